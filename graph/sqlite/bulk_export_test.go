package sqlite

// SetBulkMode lowers the items after which a stream goes bulk and counts
// the streams that do, until the returned function restores both.
func SetBulkMode(minItems int, entered *int) (restore func()) {
	old := bulkMinItems
	bulkMinItems, onBulk = minItems, func() { *entered++ }
	return func() { bulkMinItems, onBulk = old, nil }
}

// LinkBatchSize is how many links a stream writes per statement.
const LinkBatchSize = linkBatchSize
