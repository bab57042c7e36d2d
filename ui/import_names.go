package ui

import (
	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/storage/importer"
)

// fieldName is an import field as the mapping step names it.
func fieldName(f importer.Field) string {
	switch f {
	case importer.FieldName:
		return lang.L("Customer name")
	case importer.FieldEmail:
		return lang.L("Email")
	case importer.FieldPhone:
		return lang.L("Phone")
	case importer.FieldPhone2:
		return lang.L("Other phone")
	case importer.FieldIM:
		return lang.L("Chat accounts (network:handle)")
	case importer.FieldBuyer:
		return lang.L("Buyer account (nickname)")
	case importer.FieldRecvName:
		return lang.L("Recipient name")
	case importer.FieldAddress:
		return lang.L("Address")
	case importer.FieldCity:
		return lang.L("City")
	case importer.FieldZip:
		return lang.L("Postal code")
	case importer.FieldCountry:
		return lang.L("Country")
	case importer.FieldLanguage:
		return lang.L("Language")
	case importer.FieldBirthday:
		return lang.L("Birthday")
	case importer.FieldSegment:
		return lang.L("Segment")
	case importer.FieldTags:
		return lang.L("Tags")
	case importer.FieldNotes:
		return lang.L("Customer notes")
	case importer.FieldCreated:
		return lang.L("Customer since")
	case importer.FieldNumber:
		return lang.L("Order number")
	case importer.FieldPlatform:
		return lang.L("Platform")
	case importer.FieldStatus:
		return lang.L("Order status")
	case importer.FieldPayStatus:
		return lang.L("Payment status")
	case importer.FieldTotal:
		return lang.L("Total")
	case importer.FieldCurrency:
		return lang.L("Currency")
	case importer.FieldCarrier:
		return lang.L("Carrier")
	case importer.FieldTracking:
		return lang.L("Tracking number")
	case importer.FieldPlaced:
		return lang.L("Order time")
	case importer.FieldItems:
		return lang.L("Items (Shopdesk list)")
	case importer.FieldItemName:
		return lang.L("Item name")
	case importer.FieldItemSKU:
		return lang.L("Item SKU")
	case importer.FieldItemQty:
		return lang.L("Item quantity")
	case importer.FieldItemPrice:
		return lang.L("Item price")
	case importer.FieldAfterSales:
		return lang.L("After-sales (Shopdesk list)")
	case importer.FieldOrderNotes:
		return lang.L("Order notes")
	case importer.FieldBuyerMessage:
		return lang.L("Buyer's message")
	}
	return string(f)
}

// reasonName says in the seller's words why a row was skipped or a value
// left out.
func reasonName(r importer.Reason) string {
	switch r {
	case importer.ReasonMalformed:
		return lang.L("the row could not be read (a stray or unclosed quote)")
	case importer.ReasonExtraColumns:
		return lang.L("the row has more cells than the header (a value with an unquoted comma?)")
	case importer.ReasonNoNumber:
		return lang.L("no order number")
	case importer.ReasonNumberMangled:
		return lang.L("Excel turned the order number into a rounded number; export again keeping it as text")
	case importer.ReasonNoCustomer:
		return lang.L("nothing names the customer (no name, email, phone or buyer account)")
	case importer.ReasonBadEmail:
		return lang.L("not an email address (left out)")
	case importer.ReasonHiddenPhone:
		return lang.L("the phone number is hidden or empty (left out)")
	case importer.ReasonBadTotal:
		return lang.L("the amount cannot be read")
	case importer.ReasonBadDate:
		return lang.L("the date cannot be read (left out)")
	case importer.ReasonUnknownStatus:
		return lang.L("unknown status (the order keeps its status)")
	case importer.ReasonBadItems:
		return lang.L("the items cannot be read")
	case importer.ReasonBadAfterSales:
		return lang.L("the after-sales cases cannot be read")
	case importer.ReasonBadQuantity:
		return lang.L("the quantity is not a whole number")
	case importer.ReasonBadBirthday:
		return lang.L("the birthday cannot be read (left out)")
	case importer.ReasonUnknownSegment:
		return lang.L("unknown customer segment (left as it was)")
	case importer.ReasonUnknownPlatform:
		return lang.L("unknown platform")
	case importer.ReasonEmailConflict:
		return lang.L("the email address belongs to another customer")
	case importer.ReasonBadCard:
		return lang.L("the vCard cannot be read")
	}
	return string(r)
}
