// SPDX-License-Identifier: GPL-2.0
/*
 * binderlite-raw: Binder-style IPC over the raw UAPI, in three roles.
 *
 *   binderlite-raw [-d DEVICE] [-r READY_FILE] manager|service|client
 *
 *   manager  becomes the context manager (handle 0) and keeps a table of
 *            names and handles (manager.c);
 *   service  registers an object with the manager and serves ECHO and
 *            CHECKSUM calls on it (service.c);
 *   client   looks the service up, calls it, and waits for its death
 *            (client.c).
 *
 * Start them in that order, each as a process of its own; story.sh does.
 * DEVICE is /dev/binderlite unless given: Android's /dev/binder speaks the
 * same protocol, so the same program runs on both. READY_FILE, if given,
 * is created when the role is ready: the manager and the service once they
 * serve, the client once it waits for the service's death.
 *
 * One program rather than three: the roles share conn.c, the code that
 * talks to the driver, and one static binary is simplest to carry into a
 * test VM. Each role still reads top to bottom in a file of its own.
 * Read raw.h and conn.c first, then service.c, manager.c and client.c.
 */
#include "raw.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct role {
	const char *name;
	int (*run)(struct conn *c, const char *ready_file);
} roles[] = {
	{ "manager", run_manager },
	{ "service", run_service },
	{ "client", run_client },
};

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d DEVICE] [-r READY_FILE] manager|service|client\n",
		prog);
	return 2;
}

int main(int argc, char **argv)
{
	const char *device = "/dev/binderlite";
	const char *ready_file = NULL;
	const struct role *role = NULL;
	struct conn c;
	size_t i;
	int opt;
	int ret;

	while ((opt = getopt(argc, argv, "d:r:")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'r':
			ready_file = optarg;
			break;
		default:
			return usage(argv[0]);
		}
	}
	if (optind != argc - 1)
		return usage(argv[0]);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(argv[optind], roles[i].name))
			role = &roles[i];
	if (!role)
		return usage(argv[0]);

	/* Our output often goes to a file or a pipe: a line at a time. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (conn_open(&c, role->name, device))
		return 1;
	ret = role->run(&c, ready_file);
	conn_close(&c);
	return ret ? 1 : 0;
}
