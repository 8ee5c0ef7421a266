/* A test binary of the check framework (libcheck) for the check adapter's end-to-end
 * test: two suites, three cases. Each test prints which case ran, so the test can tell
 * that a run with CK_RUN_SUITE/CK_RUN_CASE ran that case alone, and loops over a small
 * table so the instrumented build has sites in each case. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static int sum_to(int n) {
  int s = 0;
  for (int i = 1; i <= n; ++i) s += i;
  return s;
}

START_TEST(test_sum_small) {
  printf("RAN Arith/Sums\n");
  ck_assert_int_eq(sum_to(4), 10);
}
END_TEST

START_TEST(test_sum_zero) {
  printf("RAN Arith/Sums\n");
  ck_assert_int_eq(sum_to(0), 0);
}
END_TEST

START_TEST(test_env_seen) {
  printf("RAN Arith/Environment\n");
  /* The CTest ENVIRONMENT property reaches every case. */
  const char *v = getenv("CHECK_FIXTURE_MODE");
  ck_assert_ptr_nonnull(v);
  ck_assert_str_eq(v, "strict");
}
END_TEST

START_TEST(test_strings) {
  printf("RAN Text/Strings\n");
  ck_assert_str_eq("ab", "ab");
}
END_TEST

static Suite *arith_suite(void) {
  Suite *s = suite_create("Arith");
  TCase *sums = tcase_create("Sums");
  tcase_add_test(sums, test_sum_small);
  tcase_add_test(sums, test_sum_zero);
  suite_add_tcase(s, sums);
  TCase *env = tcase_create("Environment");
  tcase_add_test(env, test_env_seen);
  suite_add_tcase(s, env);
  return s;
}

static Suite *text_suite(void) {
  Suite *s = suite_create("Text");
  TCase *strings = tcase_create("Strings");
  tcase_add_test(strings, test_strings);
  suite_add_tcase(s, strings);
  return s;
}

int main(void) {
  SRunner *sr = srunner_create(arith_suite());
  srunner_add_suite(sr, text_suite());
  srunner_run_all(sr, CK_ENV);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
