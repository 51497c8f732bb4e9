package v4

import (
	"net/http"
	"sort"
	"strings"
)

// Categories (prism v4.3, SDK prism-go-client api/categories_api.go, models/prism/v4/config
// Category):
//
//	POST   /api/prism/v4.3/config/categories           -> 201 Category (synchronous)
//	GET    /api/prism/v4.3/config/categories[?OData]    -> []Category
//	GET    /api/prism/v4.3/config/categories/{extId}    -> Category, ETag
//	PUT    /api/prism/v4.3/config/categories/{extId}    -> []AppMessage (If-Match)
//	DELETE /api/prism/v4.3/config/categories/{extId}    -> 204 (If-Match)
//
// A v4 category is one key:value pair of the model; its extId is derived from the PC and
// the names, so that a value created through v3 has one at once. A key without values
// (which v3 allows) has no v4 entity.

var categoriesPath = Prism.Prefix() + "/config/categories"

var categoryFields = []string{"extId", "key", "value", "type", "description", "ownerUuid"}

func categoryRoutes() []Route {
	return []Route{
		{http.MethodPost, categoriesPath, "category", handleCreateCategory},
		{http.MethodGet, categoriesPath, "category", handleListCategories},
		{http.MethodGet, categoriesPath + "/{extId}", "category", handleGetCategory},
		{http.MethodPut, categoriesPath + "/{extId}", "category", handleUpdateCategory},
		{http.MethodDelete, categoriesPath + "/{extId}", "category", handleDeleteCategory},
	}
}

// resourceTypes maps the model's kinds to the v4 ResourceType of category associations.
var resourceTypes = map[string]string{
	"vm": "VM", "subnet": "SUBNET", "cluster": "CLUSTER",
	"protection_rule": "PROTECTION_RULE", "recovery_plan": "RECOVERY_PLAN",
}

func renderCategory(c Category) map[string]any {
	typ := "USER"
	if c.System {
		typ = "SYSTEM"
	}
	out := map[string]any{
		"extId": c.ExtID,
		"key":   c.Key,
		"value": c.Value,
		"type":  typ,
	}
	if c.Description != "" {
		out["description"] = c.Description
	}
	if len(c.Usage) > 0 {
		kinds := make([]string, 0, len(c.Usage))
		for k := range c.Usage {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var assoc []any
		for _, k := range kinds {
			rt, group := resourceTypes[k], "ENTITY"
			if rt == "" {
				rt = strings.ToUpper(k)
			}
			if k == "protection_rule" || k == "recovery_plan" {
				group = "POLICY"
			}
			assoc = append(assoc, map[string]any{
				"$objectType": "prism.v4.config.AssociationSummary", "$reserved": Prism.reserved(),
				"categoryId": c.ExtID, "resourceType": rt, "resourceGroup": group, "count": c.Usage[k],
			})
		}
		out["associations"] = assoc
	}
	return Prism.object("prism.v4.config.Category", out)
}

func findCategory(b Backend, id string) (Category, bool) {
	return findByID(b.Categories(), func(c Category) string { return c.ExtID }, id)
}

func categoryNotFound(id string) (int, any) {
	return Prism.fail(http.StatusNotFound, 40400, "extId", "category %s was not found", id)
}

// categoryBody is what create and update read of a Category.
type categoryBody struct {
	Key         *string `json:"key"`
	Value       *string `json:"value"`
	Description *string `json:"description"`
	Type        *string `json:"type"`
}

func handleCreateCategory(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		var in categoryBody
		if st, body, ok := Prism.decode(rq, &in); !ok {
			return st, body
		}
		if in.Key == nil || *in.Key == "" {
			return Prism.fail(http.StatusBadRequest, 40004, "key", "key is required")
		}
		if in.Value == nil || *in.Value == "" {
			return Prism.fail(http.StatusBadRequest, 40004, "value", "value is required")
		}
		if in.Type != nil && *in.Type != "USER" {
			return Prism.fail(http.StatusBadRequest, 40004, "type", "type must be USER on create, got %q", *in.Type)
		}
		c := Category{Key: *in.Key, Value: *in.Value}
		if in.Description != nil {
			c.Description = *in.Description
		}
		created, err := rq.PC.CreateCategory(c)
		if err != nil {
			return Prism.failModel(err)
		}
		return Prism.entityAnswer(http.StatusCreated, "prism.v4.config.CreateCategoryApiResponse", renderCategory(created))
	})
}

func handleListCategories(rq Request) (int, any) {
	return listOf(Prism, rq, categoryFields, "prism.v4.config.ListCategoriesApiResponse", "prism.v4.config.Category",
		withUsage(rq, rq.PC.Categories()...), renderCategory)
}

func handleGetCategory(rq Request) (int, any) {
	c, ok := findCategory(rq.PC, rq.Params["extId"])
	if !ok {
		return categoryNotFound(rq.Params["extId"])
	}
	return Prism.entityAnswer(http.StatusOK, "prism.v4.config.GetCategoryApiResponse", renderCategory(withUsage(rq, c)[0]))
}

// withUsage fills the usage of cs when the request asks for their associations
// ($expand=associations): the SDK's Category says the field "will not be present by default
// in listCategories API, unless the parameter $expand=associations is present"; a get is
// taken to behave the same (it takes $expand too).
func withUsage(rq Request, cs ...Category) []Category {
	if !expands(rq, "associations") {
		return cs
	}
	for i := range cs {
		cs[i].Usage = rq.PC.CategoryUsage(cs[i].Key, cs[i].Value)
	}
	return cs
}

// expands reports whether the request's $expand names field.
func expands(rq Request, field string) bool {
	for _, f := range strings.Split(rq.HTTP.URL.Query().Get("$expand"), ",") {
		if strings.TrimSpace(f) == field {
			return true
		}
	}
	return false
}

func handleUpdateCategory(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		id := rq.Params["extId"]
		c, found := findCategory(rq.PC, id)
		if st, body, ok := Prism.matchCurrent(rq, found, "category "+id, func() map[string]any { return renderCategory(c) }); !ok {
			return st, body
		}
		var in categoryBody
		if st, body, ok := Prism.decode(rq, &in); !ok {
			return st, body
		}
		if in.Key == nil || *in.Key != c.Key {
			return Prism.fail(http.StatusBadRequest, 40005, "key", "key is required and cannot change (it is %q)", c.Key)
		}
		if in.Value == nil || *in.Value != c.Value {
			return Prism.fail(http.StatusBadRequest, 40005, "value",
				"value is required and prismsim does not rename values (it is %q): create a new category instead", c.Value)
		}
		desc := ""
		if in.Description != nil {
			desc = *in.Description
		}
		if _, err := rq.PC.UpdateCategory(c.Key, c.Value, desc); err != nil {
			return Prism.failModel(err)
		}
		msg := map[string]any{
			"$objectType": "prism.v4.error.AppMessage", "$reserved": Prism.reserved(),
			"message": "category " + c.Key + ":" + c.Value + " updated", "severity": "INFO", "locale": "en_US",
		}
		return http.StatusOK, Prism.answer("prism.v4.config.UpdateCategoryApiResponse", "List<prism.v4.error.AppMessage>", []any{msg})
	})
}

func handleDeleteCategory(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		id := rq.Params["extId"]
		c, found := findCategory(rq.PC, id)
		if st, body, ok := Prism.matchCurrent(rq, found, "category "+id, func() map[string]any { return renderCategory(c) }); !ok {
			return st, body
		}
		if err := rq.PC.DeleteCategory(c.Key, c.Value); err != nil {
			return Prism.failModel(err)
		}
		return http.StatusNoContent, nil
	})
}
