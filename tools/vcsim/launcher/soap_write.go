package main

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"

	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

// The library's SOAP encoder is private, so answers the emulation writes itself
// are encoded here the same way (same envelope, same fault detail naming).

type envelope struct {
	XMLName xml.Name `xml:"soapenv:Envelope"`
	Enc     string   `xml:"xmlns:soapenc,attr"`
	Env     string   `xml:"xmlns:soapenv,attr"`
	XSD     string   `xml:"xmlns:xsd,attr"`
	XSI     string   `xml:"xmlns:xsi,attr"`
	Body    any      `xml:"soapenv:Body"`
}

type faultBody struct {
	Fault *soapFault `xml:"soapenv:Fault"`
}

type soapFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
	Detail struct {
		Fault *faultDetail
	} `xml:"detail"`
}

type faultDetail struct {
	fault types.BaseMethodFault
}

// MarshalXML writes <XxxFault xmlns="urn:vim25" xsi:type="Xxx">, as vCenter does.
func (d *faultDetail) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	kind := reflect.TypeOf(d.fault).Elem().Name()
	start.Name.Local = kind + "Fault"
	start.Attr = append(start.Attr,
		xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: "urn:vim25"},
		xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: kind})
	return e.EncodeElement(d.fault, start)
}

// responseBody wraps a response so the Body element keeps its name (an
// XMLName value on the response itself would otherwise replace it).
type responseBody struct {
	Response *taskResponse
}

type taskResponse struct {
	XMLName   xml.Name
	Xmlns     string                       `xml:"xmlns,attr"`
	Returnval types.ManagedObjectReference `xml:"returnval"`
}

func encodeEnvelope(body any) ([]byte, error) {
	var out bytes.Buffer
	out.WriteString(xml.Header)
	err := xml.NewEncoder(&out).Encode(&envelope{
		Enc:  "http://schemas.xmlsoap.org/soap/encoding/",
		Env:  "http://schemas.xmlsoap.org/soap/envelope/",
		XSD:  "http://www.w3.org/2001/XMLSchema",
		XSI:  "http://www.w3.org/2001/XMLSchema-instance",
		Body: body,
	})
	return out.Bytes(), err
}

// writeFault answers with a SOAP fault (HTTP 500, as vCenter does).
func writeFault(w http.ResponseWriter, fault types.BaseMethodFault, message string) {
	if message == "" {
		message = reflect.TypeOf(fault).Elem().Name()
	}
	f := &soapFault{Code: "ServerFaultCode", String: message}
	f.Detail.Fault = &faultDetail{fault: fault}
	writeEnvelope(w, http.StatusInternalServerError, faultBody{Fault: f})
}

// writeTaskResponse answers a *_Task call with its task moref.
func writeTaskResponse(w http.ResponseWriter, method string, task types.ManagedObjectReference) {
	writeEnvelope(w, http.StatusOK, responseBody{Response: &taskResponse{
		XMLName:   xml.Name{Local: method + "Response"},
		Xmlns:     "urn:vim25",
		Returnval: task,
	}})
}

// emptyResponse is the answer of a method that returns nothing (ShutdownGuest).
type emptyResponse struct {
	XMLName xml.Name
	Xmlns   string `xml:"xmlns,attr"`
}

type emptyBody struct {
	Response *emptyResponse
}

// writeEmptyResponse answers a method without a return value.
func writeEmptyResponse(w http.ResponseWriter, method string) {
	writeEnvelope(w, http.StatusOK, emptyBody{Response: &emptyResponse{
		XMLName: xml.Name{Local: method + "Response"},
		Xmlns:   "urn:vim25",
	}})
}

func writeEnvelope(w http.ResponseWriter, status int, body any) {
	out, err := encodeEnvelope(body)
	if err != nil {
		logf("encode response: %v", err)
		http.Error(w, fmt.Sprintf("encode response: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
