package prismsim

import (
	"context"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// Products over v4 (v4.ProductBackend): the disaster recovery service of the model, the one
// v3's /services/disaster_recovery enables and reports (PC.enableDR, PC.drState), as the
// domain manager's product NUTANIX_DISASTER_RECOVERY. Its extId is derived from the PC's
// UUID and the product's name (an ASSUMPTION: tools/prismsim/README.md, "v4").

// Products implements v4.ProductBackend. The product is ENABLED once the enablement's task
// has succeeded; while it runs it stays DISABLED (v4's enum has no ENABLING).
func (pc *PC) Products() []v4.Product {
	st := pc.drState()
	p := v4.Product{ExtID: pc.productExtID(v4.ProductDisasterRecovery), Name: v4.ProductDisasterRecovery, Enabled: st.enabled}
	if st.enabled {
		p.EnabledAt = st.since
	}
	return []v4.Product{p}
}

// EnableProduct implements v4.ProductBackend: the model's enablement of disaster recovery,
// as v3's POST /services/disaster_recovery starts it.
func (pc *PC) EnableProduct(ctx context.Context, name string) (string, error) {
	if name != v4.ProductDisasterRecovery {
		return "", model.Failf(model.Invalid, "", "product %s is not modeled: only %s is", name, v4.ProductDisasterRecovery)
	}
	return pc.enableDR(ctx), nil
}

// productExtID is the v4 extId of the product name on the PC.
func (pc *PC) productExtID(name string) string { return model.NameUUID("product", pc.uuid, name) }
