package main

import (
	"bytes"
	"encoding/xml"
)

// sniffMethod returns the local name of the first element inside the SOAP Body
// (the vim25 method), or "" when the body is not a SOAP request.
func sniffMethod(body []byte) string {
	decoder := xml.NewDecoder(bytes.NewReader(body))
	inBody := false
	for {
		token, err := decoder.Token()
		if err != nil {
			return ""
		}
		start, ok := token.(xml.StartElement)
		if !ok {
			continue
		}
		if inBody {
			return start.Name.Local
		}
		inBody = start.Name.Local == "Body"
	}
}
