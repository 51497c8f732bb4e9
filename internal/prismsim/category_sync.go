package prismsim

// Category sync: paired availability zones synchronize the DR configuration entities, and
// with a protection policy or a recovery plan the category keys and values it uses (the
// Nutanix Disaster Recovery guide's entity sync: "categories used in protection policies
// and recovery plans"). The owner's copy task brings them to every other PC the entity
// is copied to:
//   - a key or value missing there is created, with the owner's descriptions;
//   - one that exists is never changed (descriptions, cardinality, system_defined stay);
//   - while a synced copy uses a value, deleting it there is refused as for any value in
//     use (categoryUsersLocked counts copies like the PC's own entities);
//   - when the entity goes (deleted, or no longer using them) the synced categories stay:
//     the docs say nothing of removing them, and a value the PC's users may have assigned
//     since must not vanish under them. They are ordinary categories from then on.

// syncedCategory is a category value as its owner PC defines it.
type syncedCategory struct {
	key, keyDescription     string
	value, valueDescription string
}

// categoryDefsLocked returns the owner's definitions of the used key:value pairs that
// exist on this PC, in a stable order. The caller holds the PC's mutex.
func (pc *PC) categoryDefsLocked(used map[string][]string) []syncedCategory {
	var out []syncedCategory
	for _, key := range sortedKeys(used) {
		k := pc.categories[key]
		if k == nil {
			continue
		}
		for _, value := range used[key] {
			if v := k.values[value]; v != nil {
				out = append(out, syncedCategory{key: key, keyDescription: k.description,
					value: value, valueDescription: v.description})
			}
		}
	}
	return out
}

// syncCategoriesLocked creates the keys and values of defs this PC lacks; it changes
// none that exists. The caller holds the PC's mutex.
func (pc *PC) syncCategoriesLocked(defs []syncedCategory) {
	for _, d := range defs {
		k := pc.categories[d.key]
		if k == nil {
			k = pc.addCategoryKeyLocked(d.key, d.keyDescription, false)
		}
		if k.values[d.value] == nil {
			pc.addCategoryValueLocked(k, d.value, d.valueDescription, false)
		}
	}
}

// ruleCategories is what a protection rule's spec selects VMs by: its category filter.
func ruleCategories(spec prSpecView) map[string][]string {
	if f := spec.Resources.CategoryFilter; f != nil {
		return f.Params
	}
	return nil
}
