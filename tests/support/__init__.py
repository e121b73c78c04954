"""What tests of every kind share: test data, event builders, waiting, RPC calls."""
