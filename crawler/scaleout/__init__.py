"""Scale-out: workers on several machines share each crawl through Redis, one writer
writes the store (docs/scale-out.md). One module each: ``keys`` (every Redis key),
``worker`` (a process's place in the open round), ``scheduler`` (the shared queue and
duplicate filter), ``pipeline`` (items sent to the writer), ``addon`` (switches a crawl to
scale-out), ``writer`` (the process that writes the store)."""
