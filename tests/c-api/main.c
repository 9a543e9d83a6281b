// SPDX-License-Identifier: MIT OR Apache-2.0
/*
 * main.c - the coreMQTT v2.3 / backoffAlgorithm C API tests.
 *
 *   capi_tests [FILTER]   run the tests whose "suite.test" contains FILTER
 *
 * Exit status 0 when every test passed (known issues of deviations.h do not
 * fail the run).
 */
#include <stdio.h>

#include "unit.h"

extern const struct unit_test init_tests[];
extern const struct unit_test connect_tests[];
extern const struct unit_test publish_tests[];
extern const struct unit_test subscribe_tests[];
extern const struct unit_test loop_tests[];
extern const struct unit_test topic_tests[];
extern const struct unit_test backoff_tests[];

static const struct unit_suite suites[] = {
	{ "init", init_tests },
	{ "connect", connect_tests },
	{ "publish", publish_tests },
	{ "subscribe", subscribe_tests },
	{ "loop", loop_tests },
	{ "topic", topic_tests },
	{ "backoff", backoff_tests },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	/* Each line out before the next test runs, even if one crashes. */
	setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef TEST_UPSTREAM
	printf("coreMQTT API tests against upstream C sources\n");
#else
	printf("coreMQTT API tests against %s (libcoremqtt_rs.a)\n",
	       MQTT_LIBRARY_VERSION);
#endif
	return unit_run(suites, argc > 1 ? argv[1] : NULL);
}
