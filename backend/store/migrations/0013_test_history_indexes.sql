-- 0013: the flaky-test queries read a suspect test's results with their status and attempts
-- from the index alone, and find retried results without reading every result.
DROP INDEX test_results_by_test;
CREATE INDEX test_results_by_test ON test_results(test_id, run_id, status, attempts);
CREATE INDEX test_results_retried ON test_results(test_id, run_id) WHERE attempts > 1;
