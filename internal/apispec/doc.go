// Package apispec validates JSON request and response bodies against the Prism Central v3
// Swagger 2.0 document that is the provider's wire contract.
//
// The validator covers the subset of Swagger 2.0 schemas the v3 document uses: $ref (recursive
// definitions included), type, properties, required, additionalProperties (a schema or a
// boolean), items, enum and x-ntnx-enum (the document spells every enumeration with the Nutanix
// extension), minLength and maxLength, minimum and maximum (with exclusiveMinimum and
// exclusiveMaximum), pattern, minItems and maxItems, allOf, and the integer formats int8 to int64
// and uint8 to uint64. Unknown properties are allowed unless additionalProperties is false.
//
// Numbers are decoded exactly (json.Decoder.UseNumber): an integer field accepts only a JSON
// number written without a fraction or an exponent, as Go and most strict clients decode it.
// JSON null is refused wherever the schema states a type, unless the schema carries
// x-nullable: true (the v3 document carries none).
//
// A schema without a type but with properties or additionalProperties is treated as an object,
// and one with items as an array: the v3 document leaves the type out on several maps.
// Siblings of $ref (description, readOnly) are ignored, as Swagger 2.0 says. readOnly fields in
// requests are not refused: clients send back what they read.
//
// Patterns are compiled with Go's regexp package (RE2) and matched anywhere in the string, as
// JSON Schema says; a pattern RE2 cannot compile is skipped and listed by Spec.Notes.
package apispec
