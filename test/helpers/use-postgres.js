// The PostgreSQL project's suites open their stores on PostgreSQL (see test/helpers/test-store.ts).
process.env.THREADLINE_TEST_STORE = "postgres";
