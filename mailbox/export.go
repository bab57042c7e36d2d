package mailbox

// ExportAttachment extracts a message's attachment for an archive export:
// its name made safe for a folder, and its decoded bytes. It has the shape
// of storage/archive.AttachmentFunc, which cannot parse mail itself.
func ExportAttachment(raw []byte, index int) (string, []byte, error) {
	name, _, data, err := AttachmentData(raw, index)
	if err != nil {
		return "", nil, err
	}
	name = SafeFileName(name)
	if name == "" {
		name = "attachment"
	}
	return name, data, nil
}
