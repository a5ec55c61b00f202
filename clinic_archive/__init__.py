"""The clinic-archive application: the CLI and the demo, wiring scraper/ to archive/."""
