"""章丘区委老干部局党建看板: store, indicators, demo data and figures."""
