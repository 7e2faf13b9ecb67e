"""The experiment: the lane registry, how each lane builds its training set, the learners, metrics, repeats and scorecard."""
