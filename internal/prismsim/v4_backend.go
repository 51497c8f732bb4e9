package prismsim

import (
	"sort"

	"github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/model"
	v4 "github.com/nutanixdr/terraform-provider-nutanixdr/internal/prismsim/v4"
)

// The model operations the v4 wire calls (v4.Backend): they take the PC's mutex and hand
// the wire copies in the v4 package's types.

// RequestLog implements v4.Backend.
func (pc *PC) RequestLog() *model.RequestLog { return &pc.v4Requests }

// Tasks implements v4.Backend.
func (pc *PC) Tasks() []v4.Task {
	var out []v4.Task
	pc.viewTasks(func(tasks []*task) {
		out = make([]v4.Task, 0, len(tasks))
		for _, t := range tasks {
			vt := v4.Task{
				ExtID: t.uuid, Operation: t.opType, Status: t.status, Percent: t.percent, Progress: t.progress,
				Created: t.created, Started: t.started, Completed: t.completed, Updated: t.updated,
				ClusterID: pc.uuid,
			}
			for _, r := range t.refs {
				ref := v4.EntityRef{Kind: r.Kind, ExtID: r.UUID, Name: r.Name}
				if r.Kind == routeTableKind.name {
					ref.ExtID = pc.routeTableExtID(r.UUID) // v4 names the table by its own extId
				}
				vt.Entities = append(vt.Entities, ref)
			}
			if t.err != nil {
				vt.ErrorCode, vt.ErrorDetail = taskErrorOf(t.err)
			}
			out = append(out, vt)
		}
	})
	return out
}

// categoryExtID is the v4 extId of key:value on the PC.
func (pc *PC) categoryExtID(key, value string) string {
	return model.NameUUID("category", pc.uuid, key, value)
}

// v4CategoryLocked is key:value as the v4 wire shows it, without its usage: counting it
// scans every entity, and a v4 category shows its associations only when asked
// ($expand=associations, see CategoryUsage).
func (pc *PC) v4CategoryLocked(key string, v *categoryValue) v4.Category {
	return v4.Category{ExtID: pc.categoryExtID(key, v.value), Key: key, Value: v.value,
		Description: v.description, System: v.systemDefined}
}

// CategoryUsage implements v4.Backend.
func (pc *PC) CategoryUsage(key, value string) map[string]int {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var usage map[string]int
	for _, u := range pc.categoryUsersLocked(key, value) {
		if usage == nil {
			usage = map[string]int{}
		}
		usage[u.Kind]++
	}
	return usage
}

// Categories implements v4.Backend.
func (pc *PC) Categories() []v4.Category {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	type pair struct {
		key string
		v   *categoryValue
	}
	var pairs []pair
	for name, k := range pc.categories {
		for _, v := range k.values {
			pairs = append(pairs, pair{name, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].v.seq < pairs[j].v.seq })
	out := make([]v4.Category, len(pairs))
	for i, p := range pairs {
		out[i] = pc.v4CategoryLocked(p.key, p.v)
	}
	return out
}

// CreateCategory implements v4.Backend: the key is created with the value when it does not
// exist yet (v4 has no key entity), and removed again if the value is refused.
func (pc *PC) CreateCategory(c v4.Category) (v4.Category, error) {
	if err := checkCategoryName("key", c.Key); err != nil {
		return v4.Category{}, invalidField("key", err)
	}
	if err := checkCategoryName("value", c.Value); err != nil {
		return v4.Category{}, invalidField("value", err)
	}
	if len(c.Description) > maxCategoryDescription {
		return v4.Category{}, model.Failf(model.Invalid, "", "description is longer than %d characters", maxCategoryDescription)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	k := pc.categories[c.Key]
	if k != nil && k.values[c.Value] != nil {
		return v4.Category{}, &modelError{Kind: errExists, Entity: "category", ID: c.Key + ":" + c.Value,
			Message: "category " + c.Key + ":" + c.Value + " already exists"}
	}
	if k == nil {
		k = pc.addCategoryKeyLocked(c.Key, "", false)
	}
	v := pc.addCategoryValueLocked(k, c.Value, c.Description, false)
	return pc.v4CategoryLocked(c.Key, v), nil
}

// UpdateCategory implements v4.Backend.
func (pc *PC) UpdateCategory(key, value, description string) (v4.Category, error) {
	if len(description) > maxCategoryDescription {
		return v4.Category{}, model.Failf(model.Invalid, "", "description is longer than %d characters", maxCategoryDescription)
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	v, err := pc.categoryValueLocked(key, value)
	if err != nil {
		return v4.Category{}, err
	}
	if v.systemDefined {
		return v4.Category{}, readOnly("category value " + key + ":" + value)
	}
	v.description = description
	return pc.v4CategoryLocked(key, v), nil
}

// DeleteCategory implements v4.Backend. The key stays, without values (v3 sees it).
func (pc *PC) DeleteCategory(key, value string) error { return pc.deleteCategoryValue(key, value) }

func invalidField(field string, err error) *model.Error {
	return &model.Error{Kind: model.Invalid, Field: field, Message: err.Error()}
}
