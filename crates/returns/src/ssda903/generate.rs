//! Synthetic 903 returns for tests, benchmarks and the differential check against the
//! reference validator.
