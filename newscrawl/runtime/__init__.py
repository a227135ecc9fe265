"""What the crawl's processes need from the machine they run on: child processes that
end with the crawl process."""
