package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Disaster recovery enablement over v4 (prism v4.3, SDK prism-go-client
// api/domain_manager_api.go ListProducts, GetProductById and UpdateProductById,
// models/prism/v4/management Product): disaster recovery is the product
// NUTANIX_DISASTER_RECOVERY of the local domain manager (the Prism Central).
//
//	GET /api/prism/v4.3/management/domain-managers/{local}/products          -> []Product
//	GET /api/prism/v4.3/management/domain-managers/{local}/products/{extId}  -> Product, ETag
//	PUT /api/prism/v4.3/management/domain-managers/{local}/products/{extId}  Product {enablementState: ENABLED} -> task
//
// The typed operations stay EnableDisasterRecovery and DisasterRecoveryStatus. v4's
// EnablementState has ENABLED and DISABLED only: an enablement under way reads DISABLED.

// v4ProductDR is the ProductName of disaster recovery.
const v4ProductDR = "NUTANIX_DISASTER_RECOVERY"

// v4ProductJSON is prism.v4.management.Product as far as the client reads it.
type v4ProductJSON struct {
	ExtID           string `json:"extId"`
	Name            string `json:"name"`
	EnablementState string `json:"enablementState"`
}

// productsPath is the collection of the products of domain manager dm.
func productsPath(dm string) string {
	return v4Prism.Path("/management/domain-managers/" + escape(dm) + "/products")
}

// drProduct finds the disaster recovery product of the local domain manager; it returns
// the collection's path too.
func (c *Client) drProduct(ctx context.Context, op string) (*v4ProductJSON, string, error) {
	local, err := c.localDomainManager(ctx, op)
	if err != nil {
		return nil, "", err
	}
	path := productsPath(local)
	products, err := listV4[v4ProductJSON](ctx, c, v4List{op: op, path: path})
	if err != nil {
		return nil, "", err
	}
	for i := range products {
		if products[i].Name == v4ProductDR {
			return &products[i], path, nil
		}
	}
	return nil, "", fmt.Errorf("%s: GET %s lists no %s product: this Prism Central does not offer disaster recovery over v4", op, path, v4ProductDR)
}

// enableDisasterRecoveryV4 enables the product unless it is enabled: a read for its ETag,
// the update under one request id (every retry resends it, so a lost answer does not
// enable twice) and its task. An ETag gone stale between the read and the update (someone
// else changed the product) is read again, once.
func (c *Client) enableDisasterRecoveryV4(ctx context.Context, op string) error {
	p, path, err := c.drProduct(ctx, op)
	if err != nil {
		return err
	}
	if p.EnablementState == ServiceEnabled {
		return nil
	}
	entity := path + "/" + escape(p.ExtID)
	for attempt := 0; ; attempt++ {
		var current v4ProductJSON
		etag, err := c.getV4Entity(ctx, op, entity, &current)
		if err != nil || current.EnablementState == ServiceEnabled {
			return err
		}
		task, err := c.mutateV4(ctx, v4Call{
			op: op, method: http.MethodPut, path: entity,
			in: map[string]any{
				"$objectType": "prism.v4.management.Product", "extId": p.ExtID,
				"name": v4ProductDR, "enablementState": ServiceEnabled,
			},
			requestID: NewRequestID(), etag: etag,
		})
		if errors.Is(err, ErrPreconditionFailed) && attempt == 0 {
			continue
		}
		if err != nil || task == "" {
			return err
		}
		_, err = c.WaitForV4Task(ctx, task, op, nil)
		return err
	}
}

// disasterRecoveryStatusV4 reads the product's enablement state.
func (c *Client) disasterRecoveryStatusV4(ctx context.Context, op string) (*ServiceStatus, error) {
	p, _, err := c.drProduct(ctx, op)
	if err != nil {
		return nil, err
	}
	st := &ServiceStatus{Enablement: ServiceDisabled}
	if p.EnablementState == ServiceEnabled {
		st.Enablement = ServiceEnabled
	}
	return st, nil
}
