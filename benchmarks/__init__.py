"""The benchmark harness: scrape against its peers on the development corpus."""
