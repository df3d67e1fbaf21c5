"""Pages of cases, one module per concept: staff work (queue, intake, detail, map, statistics),
the 说事箱 batch, residents' own pages, and the deadline rules."""
