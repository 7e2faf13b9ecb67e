"""The compute engines: a local H2O cluster, its MOJO scorer, a local Spark session, and stopping them on exit."""
