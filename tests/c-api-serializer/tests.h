// SPDX-License-Identifier: MIT OR Apache-2.0
/* tests.h - the test tables of each file (NULL-terminated). */
#ifndef TESTS_H
#define TESTS_H

#include "check.h"

extern const struct check_test connect_tests[];
extern const struct check_test publish_tests[];
extern const struct check_test subscribe_tests[];
extern const struct check_test small_tests[];
extern const struct check_test incoming_tests[];

#endif /* TESTS_H */
