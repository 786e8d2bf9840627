# SPDX-License-Identifier: GPL-2.0
#
# Installing libbinderlite (included at the end of tools/lib/CMakeLists.txt):
#
#   LIBDIR/libbinderlite.a, libbinderlite.so.0.1.0 and its links
#   INCLUDEDIR/binderlite/*.hpp           the public headers
#   INCLUDEDIR/linux/binderlite.h         the UAPI header they include
#   LIBDIR/cmake/binderlite/              find_package(binderlite)
#   LIBDIR/pkgconfig/binderlite.pc        pkg-config binderlite
#
# The CMake package's targets carry the same names as in this tree:
#
#   binderlite::binderlite         the static library (what the test VM's
#                                  statically linked programs use)
#   binderlite::binderlite_shared  the shared library, libbinderlite.so.0
#   binderlite::uapi               the UAPI header alone
#
# Both libraries bring their include directory, C++20 (the headers need
# it) and the thread library along. pkg-config has no way to say "C++20":
# its users compile with -std=c++20 (or newer) themselves, and link with
# --static when they link statically.
#
# The version is the shared library's VERSION; a package of another minor
# version does not satisfy find_package(binderlite 0.1) while the major
# version is 0 (the API may still change between minor versions).

include(CMakePackageConfigHelpers)

get_target_property(BINDERLITE_VERSION binderlite_shared VERSION)
set(BINDERLITE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/binderlite)

# The public headers use C++20 (std::span, designated initializers).
target_compile_features(binderlite_static PUBLIC cxx_std_20)
target_compile_features(binderlite_shared PUBLIC cxx_std_20)

# The names above, in the package and in the tree alike.
set_target_properties(binderlite_static PROPERTIES EXPORT_NAME binderlite)
set_target_properties(binderlite_shared PROPERTIES EXPORT_NAME binderlite_shared)
set_target_properties(binderlite_uapi PROPERTIES EXPORT_NAME uapi)
add_library(binderlite::binderlite_shared ALIAS binderlite_shared)
add_library(binderlite::uapi ALIAS binderlite_uapi)

install(TARGETS binderlite_static binderlite_shared binderlite_uapi
	EXPORT binderliteTargets
	ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
	INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../include/binderlite
	DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
	FILES_MATCHING PATTERN "*.hpp")
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../../../include/uapi/linux/binderlite.h
	DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/linux)

# find_package(binderlite): the targets, a config that finds what they
# need (Threads), and the version check.
install(EXPORT binderliteTargets
	NAMESPACE binderlite::
	DESTINATION ${BINDERLITE_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/binderliteConfig.cmake.in
	${CMAKE_CURRENT_BINARY_DIR}/binderliteConfig.cmake
	INSTALL_DESTINATION ${BINDERLITE_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/binderliteConfigVersion.cmake
	VERSION ${BINDERLITE_VERSION}
	COMPATIBILITY SameMinorVersion)
install(FILES
	${CMAKE_CURRENT_BINARY_DIR}/binderliteConfig.cmake
	${CMAKE_CURRENT_BINARY_DIR}/binderliteConfigVersion.cmake
	DESTINATION ${BINDERLITE_CMAKE_DIR})

# pkg-config: binderlite.pc names the prefix it is installed under, which
# is known only at install time (cmake --install --prefix may change it),
# so the file is written then; DESTDIR is not part of it.
foreach(dir LIBDIR INCLUDEDIR)
	if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
		set(BINDERLITE_PC_${dir} "${CMAKE_INSTALL_${dir}}")
	else()
		set(BINDERLITE_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
	endif()
endforeach()
set(BINDERLITE_PC_PREFIX "@prefix@")	# for the second pass, below
configure_file(${CMAKE_CURRENT_LIST_DIR}/binderlite.pc.in
	${CMAKE_CURRENT_BINARY_DIR}/binderlite.pc.in @ONLY)
install(CODE "
	set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
	configure_file(\"${CMAKE_CURRENT_BINARY_DIR}/binderlite.pc.in\"
		\"${CMAKE_CURRENT_BINARY_DIR}/binderlite.pc\" @ONLY)
")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/binderlite.pc
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
