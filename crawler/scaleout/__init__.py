"""Scale-out: workers on several machines share each crawl through Redis, one writer
writes the store (docs/scale-out.md). ``worker`` holds the Scrapy components a worker
runs (rounds, the shared queue, the queue pipeline, the add-on), ``writer`` the process
that writes the store."""
