// SPDX-License-Identifier: GPL-2.0
/*
 * gbinder-interop: the libgbinder side of the interoperability tests
 * (tests/interop/interop.sh), written against libgbinder's public headers
 * only. Its counterpart on the libbinderlite side is binderlite-interop
 * (interop.cpp); both speak the same two small interfaces, which are
 * those of libgbinder's own test tools (binder-service, binder-client),
 * extended by a callback:
 *
 *   binderlite.interop.IEcho (or any name given with -i)
 *     1      ECHO(String16 s) -> String16 s           (no status header,
 *                                                      as binder-service)
 *     2      CALL_BACK(IBinder cb, String16 s) -> String16:
 *            calls cb's ICallback.CALLED(s) and returns its answer
 *     '_DMP' (fd, int32 argc): writes DUMP_TEXT into the fd
 *   binderlite.interop.ICallback
 *     1      CALLED(String16 s) -> String16 "called back: " + s
 *
 * Roles, each one process, one line of output per step, exit status 0 when
 * every check passed:
 *
 *   call DEVICE NAME TEXT [-i IFACE]
 *       ECHO(TEXT) to NAME; prints the reply's bytes ("reply HEX") and
 *       checks that they hold TEXT as a String16 and nothing else
 *   callback DEVICE NAME TEXT
 *       CALL_BACK(an object of ours, TEXT) to NAME: the service must call
 *       our object, on this thread (a nested call), and return its answer
 *   serve DEVICE NAME [-i IFACE] [-r READY]
 *       registers an IEcho object as NAME and serves until SIGTERM
 *   watch DEVICE NAME [-r READY]
 *       links to NAME's death and waits (20 s at most) for it
 *
 * The device's RPC protocol and service-manager dialect are libgbinder's
 * choice, from /etc/gbinder.conf.
 */
#include <gbinder.h>
#include <gutil_log.h>

#include <glib-unix.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ECHO_IFACE	"binderlite.interop.IEcho"
#define CALLBACK_IFACE	"binderlite.interop.ICallback"
#define CODE_ECHO	1
#define CODE_CALL_BACK	2
#define CODE_CALLED	1
#define DUMP_TRANSACTION	GBINDER_FOURCC('_', 'D', 'M', 'P')
#define CALLED_PREFIX	"called back: "
#define DUMP_TEXT	"gbinder-interop: nothing to dump\n"
#define WAIT_MS		20000

static const char *role = "gbinder-interop";

struct app {
	const char *device;
	const char *name;
	const char *iface;
	const char *ready;
	GBinderServiceManager *sm;
	GMainLoop *loop;
	int status;
	int callbacks;
};

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", role);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void print_hex(const char *what, const void *data, gsize size)
{
	const guint8 *p = data;
	gsize i;

	printf("%s: %s ", role, what);
	for (i = 0; i < size; i++)
		printf("%02x", p[i]);
	printf(" (%zu bytes)\n", size);
	fflush(stdout);
}

static int ready(const struct app *app)
{
	FILE *f;

	if (!app->ready)
		return 0;
	f = fopen(app->ready, "w");
	if (!f || fclose(f)) {
		say("cannot create %s: %s", app->ready, strerror(errno));
		return -1;
	}
	return 0;
}

static gboolean on_timeout(gpointer data)
{
	struct app *app = data;

	say("timed out after %d ms", WAIT_MS);
	app->status = 1;
	g_main_loop_quit(app->loop);
	return G_SOURCE_REMOVE;
}

static gboolean on_signal(gpointer data)
{
	struct app *app = data;

	g_main_loop_quit(app->loop);
	return G_SOURCE_CONTINUE;
}

/* The service NAME, referenced, or NULL (said why). */
static GBinderRemoteObject *lookup(struct app *app)
{
	GBinderRemoteObject *obj;
	int status = 0;

	if (!gbinder_servicemanager_wait(app->sm, 5000)) {
		say("no service manager on %s", app->device);
		return NULL;
	}
	obj = gbinder_servicemanager_get_service_sync(app->sm, app->name, &status);
	if (!obj) {
		say("no service \"%s\" on %s (status %d)", app->name, app->device, status);
		return NULL;
	}
	return gbinder_remote_object_ref(obj);
}

/*
 * Reads a String16 that must be the whole rest of the reader; the string
 * (to free) or NULL, said why.
 */
static char *read_only_string16(GBinderReader *reader, const char *what)
{
	char *s = gbinder_reader_read_string16(reader);

	if (!s) {
		say("%s: no String16", what);
		return NULL;
	}
	if (!gbinder_reader_at_end(reader)) {
		say("%s: %zu bytes after the String16", what,
		    gbinder_reader_bytes_remaining(reader));
		g_free(s);
		return NULL;
	}
	return s;
}

static int role_call(struct app *app, const char *text)
{
	GBinderRemoteObject *obj = lookup(app);
	GBinderLocalRequest *req;
	GBinderRemoteReply *reply;
	GBinderClient *client;
	GBinderReader reader;
	const void *data;
	gsize size = 0;
	int status = 0, rc = 1;
	char *s;

	if (!obj)
		return 1;
	client = gbinder_client_new(obj, app->iface);
	req = gbinder_client_new_request(client);
	gbinder_local_request_append_string16(req, text);
	reply = gbinder_client_transact_sync_reply(client, CODE_ECHO, req, &status);
	if (!reply || status != GBINDER_STATUS_OK) {
		say("ECHO to \"%s\" failed: status %d", app->name, status);
		goto out;
	}
	gbinder_remote_reply_init_reader(reply, &reader);
	data = gbinder_reader_get_data(&reader, &size);
	print_hex("reply", data, size);
	s = read_only_string16(&reader, "the reply");
	if (!s)
		goto out;
	if (strcmp(s, text)) {
		say("ECHO answered \"%s\", not \"%s\"", s, text);
	} else {
		say("ECHO answered \"%s\"", s);
		rc = 0;
	}
	g_free(s);
out:
	gbinder_remote_reply_unref(reply);
	gbinder_local_request_unref(req);
	gbinder_client_unref(client);
	gbinder_remote_object_unref(obj);
	return rc;
}

/* ICallback.CALLED, in the process that passed the object. */
static GBinderLocalReply *callback_tx(GBinderLocalObject *obj, GBinderRemoteRequest *req,
				      guint code, guint flags, int *status, void *user_data)
{
	struct app *app = user_data;
	const char *iface = gbinder_remote_request_interface(req);
	GBinderLocalReply *reply;
	GBinderReader reader;
	char *s, *answer;

	(void)flags;
	if (code != CODE_CALLED || g_strcmp0(iface, CALLBACK_IFACE)) {
		say("callback: unexpected call %u to \"%s\"", code, iface ? iface : "(none)");
		*status = -EBADMSG;
		return NULL;
	}
	gbinder_remote_request_init_reader(req, &reader);
	s = read_only_string16(&reader, "CALLED's request");
	if (!s) {
		*status = -EBADMSG;
		return NULL;
	}
	app->callbacks++;
	say("our object was called back from pid %d with \"%s\"",
	    gbinder_remote_request_sender_pid(req), s);
	answer = g_strconcat(CALLED_PREFIX, s, NULL);
	reply = gbinder_local_object_new_reply(obj);
	gbinder_local_reply_append_string16(reply, answer);
	g_free(answer);
	g_free(s);
	*status = GBINDER_STATUS_OK;
	return reply;
}

struct callback_call {
	struct app *app;
	const char *want;
	int rc;
};

static void callback_reply(GBinderClient *client, GBinderRemoteReply *reply, int status,
			   void *user_data)
{
	struct callback_call *call = user_data;
	struct app *app = call->app;
	GBinderReader reader;
	char *s;

	(void)client;
	call->rc = 1;
	if (!reply || status != GBINDER_STATUS_OK) {
		say("CALL_BACK to \"%s\" failed: status %d", app->name, status);
		goto out;
	}
	gbinder_remote_reply_init_reader(reply, &reader);
	s = read_only_string16(&reader, "the reply");
	if (!s)
		goto out;
	if (app->callbacks != 1) {
		say("our object was called %d times, not once", app->callbacks);
	} else if (strcmp(s, call->want)) {
		say("CALL_BACK answered \"%s\", not \"%s\"", s, call->want);
	} else {
		say("CALL_BACK answered \"%s\": our object was called back", s);
		call->rc = 0;
	}
	g_free(s);
out:
	g_main_loop_quit(app->loop);
}

/*
 * The call is asynchronous: libgbinder serves our object's calls on the
 * main thread, which must be free for them. (A service that calls back
 * from the thread serving our call reaches the thread libgbinder made the
 * call on, which serves it there; one that calls back from another thread,
 * as libgbinder's own services do, reaches our looper, which hands the
 * call to the main thread. A main thread blocked in a synchronous call
 * would never take it.)
 */
static int role_callback(struct app *app, const char *text)
{
	GBinderRemoteObject *obj = lookup(app);
	struct callback_call call = { .app = app, .rc = 1 };
	GBinderLocalRequest *req;
	GBinderLocalObject *cb;
	GBinderClient *client;
	guint timeout;
	char *want;

	if (!obj)
		return 1;
	want = g_strconcat(CALLED_PREFIX, text, NULL);
	call.want = want;
	cb = gbinder_servicemanager_new_local_object(app->sm, CALLBACK_IFACE, callback_tx, app);
	client = gbinder_client_new(obj, app->iface);
	req = gbinder_client_new_request(client);
	gbinder_local_request_append_local_object(req, cb);
	gbinder_local_request_append_string16(req, text);
	gbinder_client_transact(client, CODE_CALL_BACK, 0, req, callback_reply, NULL, &call);
	timeout = g_timeout_add(WAIT_MS, on_timeout, app);
	app->status = 0;
	g_main_loop_run(app->loop);
	if (app->status)
		call.rc = 1;
	else
		g_source_remove(timeout);
	g_free(want);
	gbinder_local_request_unref(req);
	gbinder_client_unref(client);
	gbinder_local_object_drop(cb);
	gbinder_remote_object_unref(obj);
	return call.rc;
}

/* The IEcho service. */
static GBinderLocalReply *echo_tx(GBinderLocalObject *obj, GBinderRemoteRequest *req,
				  guint code, guint flags, int *status, void *user_data)
{
	struct app *app = user_data;
	const char *iface = gbinder_remote_request_interface(req);
	GBinderLocalReply *reply = NULL;
	GBinderReader reader;
	char *s = NULL;

	(void)flags;
	gbinder_remote_request_init_reader(req, &reader);
	*status = -EBADMSG;
	if (code == DUMP_TRANSACTION) {
		int fd = gbinder_reader_read_fd(&reader);

		if (fd < 0 || write(fd, DUMP_TEXT, strlen(DUMP_TEXT)) != (ssize_t)strlen(DUMP_TEXT)) {
			say("DUMP: cannot write to descriptor %d", fd);
			return NULL;
		}
		say("DUMP from pid %d: written into its descriptor",
		    gbinder_remote_request_sender_pid(req));
		*status = GBINDER_STATUS_OK;
		return NULL;
	}
	if (g_strcmp0(iface, app->iface)) {
		say("call %u for \"%s\", not \"%s\"", code, iface ? iface : "(none)", app->iface);
		return NULL;
	}
	if (code == CODE_ECHO) {
		gsize size = 0;
		const void *data = gbinder_reader_get_data(&reader, &size);

		/* The whole request, the interface token's header included. */
		print_hex("request", data, size);
		s = read_only_string16(&reader, "ECHO's request");
		if (!s)
			return NULL;
		say("ECHO \"%s\" from pid %d", s, gbinder_remote_request_sender_pid(req));
		reply = gbinder_local_object_new_reply(obj);
		gbinder_local_reply_append_string16(reply, s);
	} else if (code == CODE_CALL_BACK) {
		GBinderRemoteObject *cb;
		gsize size = 0;
		const void *data = gbinder_reader_get_data(&reader, &size);

		/* The binder object as the driver translated it, and what follows. */
		print_hex("request", data, size);
		cb = gbinder_reader_read_object(&reader);
		GBinderLocalRequest *creq;
		GBinderRemoteReply *creply;
		GBinderClient *client;
		GBinderReader creader;
		int cstatus = 0;
		char *answer;

		s = cb ? read_only_string16(&reader, "CALL_BACK's request") : NULL;
		if (!s) {
			say("CALL_BACK without an object and a String16");
			gbinder_remote_object_unref(cb);
			return NULL;
		}
		client = gbinder_client_new(cb, CALLBACK_IFACE);
		creq = gbinder_client_new_request(client);
		gbinder_local_request_append_string16(creq, s);
		creply = gbinder_client_transact_sync_reply(client, CODE_CALLED, creq, &cstatus);
		answer = NULL;
		if (creply && cstatus == GBINDER_STATUS_OK) {
			gbinder_remote_reply_init_reader(creply, &creader);
			answer = read_only_string16(&creader, "CALLED's reply");
		}
		if (answer) {
			say("CALL_BACK: the caller's object answered \"%s\"", answer);
			reply = gbinder_local_object_new_reply(obj);
			gbinder_local_reply_append_string16(reply, answer);
			g_free(answer);
		} else {
			say("CALL_BACK: calling the caller's object failed: status %d", cstatus);
		}
		gbinder_remote_reply_unref(creply);
		gbinder_local_request_unref(creq);
		gbinder_client_unref(client);
		gbinder_remote_object_unref(cb);
	} else {
		say("unknown call %u", code);
		return NULL;
	}
	g_free(s);
	if (reply)
		*status = GBINDER_STATUS_OK;
	return reply;
}

static int role_serve(struct app *app)
{
	GBinderLocalObject *obj;
	guint sigterm, sigint;
	int status;

	if (!gbinder_servicemanager_wait(app->sm, 5000)) {
		say("no service manager on %s", app->device);
		return 1;
	}
	obj = gbinder_servicemanager_new_local_object(app->sm, app->iface, echo_tx, app);
	status = gbinder_servicemanager_add_service_sync(app->sm, app->name, obj);
	if (status != GBINDER_STATUS_OK) {
		say("adding \"%s\" failed: status %d", app->name, status);
		gbinder_local_object_drop(obj);
		return 1;
	}
	say("\"%s\" (%s) registered on %s; serving", app->name, app->iface, app->device);
	if (ready(app)) {
		gbinder_local_object_drop(obj);
		return 1;
	}
	sigterm = g_unix_signal_add(SIGTERM, on_signal, app);
	sigint = g_unix_signal_add(SIGINT, on_signal, app);
	g_main_loop_run(app->loop);
	g_source_remove(sigterm);
	g_source_remove(sigint);
	gbinder_local_object_drop(obj);
	return 0;
}

static void on_death(GBinderRemoteObject *obj, void *user_data)
{
	struct app *app = user_data;

	(void)obj;
	say("\"%s\" died: libgbinder's death handler ran", app->name);
	app->status = 0;
	g_main_loop_quit(app->loop);
}

static int role_watch(struct app *app)
{
	GBinderRemoteObject *obj = lookup(app);
	gulong id;
	guint timeout;

	if (!obj)
		return 1;
	id = gbinder_remote_object_add_death_handler(obj, on_death, app);
	say("watching \"%s\" on %s", app->name, app->device);
	if (ready(app))
		return 1;
	app->status = 1;
	timeout = g_timeout_add(WAIT_MS, on_timeout, app);
	g_main_loop_run(app->loop);
	if (app->status == 0)
		g_source_remove(timeout);
	if (!gbinder_remote_object_is_dead(obj)) {
		say("\"%s\" is not dead", app->name);
		app->status = 1;
	}
	gbinder_remote_object_remove_handler(obj, id);
	gbinder_remote_object_unref(obj);
	return app->status;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: gbinder-interop call DEVICE NAME TEXT [-i IFACE]\n"
		"       gbinder-interop callback DEVICE NAME TEXT [-i IFACE]\n"
		"       gbinder-interop serve DEVICE NAME [-i IFACE] [-r READY]\n"
		"       gbinder-interop watch DEVICE NAME [-r READY]\n"
		"  -i IFACE  the echo interface (default " ECHO_IFACE ")\n"
		"  -r READY  a file created once serving or watching\n"
		"  -v        libgbinder's verbose log (every transaction's bytes)\n");
	return 2;
}

int main(int argc, char *argv[])
{
	struct app app = { .iface = ECHO_IFACE };
	const char *pos[4];
	int i, npos = 0, rc;

	gutil_log_timestamp = FALSE;
	gutil_log_set_type(GLOG_TYPE_STDERR, "gbinder-interop");
	gutil_log_default.level = GLOG_LEVEL_WARN;
	/* Options may come anywhere. */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-i") && i + 1 < argc)
			app.iface = argv[++i];
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			app.ready = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			gutil_log_default.level = GLOG_LEVEL_VERBOSE;
		else if (argv[i][0] == '-' || npos == 4)
			return usage();
		else
			pos[npos++] = argv[i];
	}
	if (npos < 3)
		return usage();
	role = g_strconcat("gbinder-interop ", pos[0], NULL);
	app.device = pos[1];
	app.name = pos[2];
	app.sm = gbinder_servicemanager_new(app.device);
	if (!app.sm) {
		say("cannot open %s", app.device);
		return 1;
	}
	app.loop = g_main_loop_new(NULL, FALSE);
	if (!strcmp(pos[0], "call") && npos == 4)
		rc = role_call(&app, pos[3]);
	else if (!strcmp(pos[0], "callback") && npos == 4)
		rc = role_callback(&app, pos[3]);
	else if (!strcmp(pos[0], "serve") && npos == 3)
		rc = role_serve(&app);
	else if (!strcmp(pos[0], "watch") && npos == 3)
		rc = role_watch(&app);
	else
		rc = usage();
	g_main_loop_unref(app.loop);
	gbinder_servicemanager_unref(app.sm);
	return rc;
}
