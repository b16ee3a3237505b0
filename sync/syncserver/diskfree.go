package syncserver

import "github.com/prometheus/client_golang/prometheus"

// diskCollector exports the free and total bytes of the file system that
// holds the head office's data directory, read at scrape time, so that the
// "disk nearly full" alert needs no node exporter next to the head office.
type diskCollector struct {
	dir        string
	free, size *prometheus.Desc
}

func newDiskCollector(dir string) *diskCollector {
	return &diskCollector{dir: dir,
		free: prometheus.NewDesc("till_data_dir_free_bytes",
			"Bytes available to the head office on the file system of its data directory.", nil, nil),
		size: prometheus.NewDesc("till_data_dir_size_bytes",
			"Size in bytes of the file system of the head office's data directory.", nil, nil),
	}
}

func (c *diskCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.free; ch <- c.size }

// Collect exports nothing when the file system cannot be read (the alert
// then has no data, which a separate absent() rule can catch).
func (c *diskCollector) Collect(ch chan<- prometheus.Metric) {
	free, size, ok := diskSpace(c.dir)
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.free, prometheus.GaugeValue, float64(free))
	ch <- prometheus.MustNewConstMetric(c.size, prometheus.GaugeValue, float64(size))
}
