package v4

import (
	"context"
	"net/http"
	"time"
)

// Products of the domain manager (prism v4.3, SDK prism-go-client api/domain_manager_api.go
// ListProducts, GetProductById and UpdateProductById, models/prism/v4/management Product):
//
//	GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products[?OData] -> []Product
//	GET /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products/{extId} -> Product, ETag
//	PUT /api/prism/v4.3/management/domain-managers/{domainManagerExtId}/products/{extId} -> 202 TaskReference
//
// A product is a service of the Prism Central that is enabled (enablementState ENABLED or
// DISABLED). prismsim models one: NUTANIX_DISASTER_RECOVERY, the disaster recovery service
// v3 enables with POST /services/disaster_recovery. A PUT with enablementState ENABLED is the
// same model operation (its task creates the Local availability zone), so enabling through
// one wire is seen through the other. The PUT is a mutation (Ntnx-Request-Id) and an update
// of the entity read (If-Match, as every v4 PUT); its answer is UpdateProductApiResponse,
// whose data is a TaskReference in the SDK. DISABLED is refused: the model, like v3, cannot
// disable disaster recovery.

var productsPath = Prism.Prefix() + "/management/domain-managers/{domainManagerExtId}/products"

// Product names of the SDK's ProductName enum that prismsim models.
const ProductDisasterRecovery = "NUTANIX_DISASTER_RECOVERY"

// Enablement states of the SDK's EnablementState enum.
const (
	productEnabled  = "ENABLED"
	productDisabled = "DISABLED"
)

var productFields = []string{"extId", "name", "enablementState"}

// ProductBackend is what the v4 wire needs of a PC for its products.
type ProductBackend interface {
	// Products are the products of the PC's domain manager.
	Products() []Product
	// EnableProduct enables the product name; it answers the task that enables it.
	EnableProduct(ctx context.Context, name string) (taskID string, err error)
}

// Product is a product of the domain manager (prism.v4.management.Product).
type Product struct {
	ExtID   string
	Name    string
	Enabled bool
	// EnabledAt is when it was enabled (zero while it is not).
	EnabledAt time.Time
}

func productRoutes() []Route {
	return []Route{
		{http.MethodGet, productsPath, "product", handleListProducts},
		{http.MethodGet, productsPath + "/{extId}", "product", handleGetProduct},
		{http.MethodPut, productsPath + "/{extId}", "product", handleUpdateProduct},
	}
}

func renderProduct(p Product) map[string]any {
	state := productDisabled
	if p.Enabled {
		state = productEnabled
	}
	out := map[string]any{"extId": p.ExtID, "name": p.Name, "enablementState": state}
	if !p.EnabledAt.IsZero() {
		out["serviceEnablementTime"] = v4Time(p.EnabledAt)
		out["lastModifiedTime"] = v4Time(p.EnabledAt)
	}
	return Prism.object("prism.v4.management.Product", out)
}

// localProducts answers the products of the domain manager of the path, which must be this PC.
func localProducts(rq Request) ([]Product, int, any, bool) {
	if st, body, ok := checkLocalDomainManager(rq); !ok {
		return nil, st, body, false
	}
	return rq.PC.Products(), 0, nil, true
}

func handleListProducts(rq Request) (int, any) {
	products, st, body, ok := localProducts(rq)
	if !ok {
		return st, body
	}
	return listOf(Prism, rq, productFields, "prism.v4.management.ListProductsApiResponse", "prism.v4.management.Product",
		products, renderProduct)
}

// findProduct returns the product of the path's extId, or an answer of 404.
func findProduct(rq Request) (Product, int, any, bool) {
	products, st, body, ok := localProducts(rq)
	if !ok {
		return Product{}, st, body, false
	}
	p, found := findByID(products, func(p Product) string { return p.ExtID }, rq.Params["extId"])
	if !found {
		st, body := Prism.fail(http.StatusNotFound, 40403, "extId", "product %s was not found", rq.Params["extId"])
		return Product{}, st, body, false
	}
	return p, 0, nil, true
}

func handleGetProduct(rq Request) (int, any) {
	p, st, body, ok := findProduct(rq)
	if !ok {
		return st, body
	}
	return Prism.entityAnswer(http.StatusOK, "prism.v4.management.GetProductApiResponse", renderProduct(p))
}

func handleUpdateProduct(rq Request) (int, any) {
	return Prism.mutation(rq, func() (int, any) {
		p, st, body, ok := findProduct(rq)
		if !ok {
			return st, body
		}
		if st, body, ok := Prism.checkIfMatch(rq, renderProduct(p)); !ok {
			return st, body
		}
		if v := rq.HTTP.URL.Query().Get("$dryrun"); v != "" && v != "false" {
			return Prism.fail(http.StatusBadRequest, 40005, "$dryrun", "$dryrun is not supported by prismsim: send the update itself")
		}
		var in struct {
			Name            *string `json:"name"`
			EnablementState *string `json:"enablementState"`
		}
		if st, body, ok := Prism.decode(rq, &in); !ok {
			return st, body
		}
		if in.Name != nil && *in.Name != p.Name {
			return Prism.fail(http.StatusBadRequest, 40006, "name", "name is %s for product %s, got %q: a product cannot be renamed", p.Name, p.ExtID, *in.Name)
		}
		if in.EnablementState == nil {
			return Prism.fail(http.StatusBadRequest, 40006, "enablementState", "enablementState is required: %s", productEnabled)
		}
		switch *in.EnablementState {
		case productEnabled:
		case productDisabled:
			return Prism.fail(http.StatusBadRequest, 40006, "enablementState",
				"enablementState DISABLED is not supported for %s: disaster recovery cannot be disabled through the API", p.Name)
		default:
			return Prism.fail(http.StatusBadRequest, 40006, "enablementState",
				"enablementState must be %s or %s, got %q", productEnabled, productDisabled, *in.EnablementState)
		}
		task, err := rq.PC.EnableProduct(rq.HTTP.Context(), p.Name)
		if err != nil {
			return Prism.failModel(err)
		}
		return Prism.taskAnswer("prism.v4.management.UpdateProductApiResponse", task)
	})
}
