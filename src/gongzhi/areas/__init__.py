"""行政区划与网格: the area tree from province to 微网格, keyed by national codes."""
