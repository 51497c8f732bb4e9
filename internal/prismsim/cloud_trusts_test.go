package prismsim

import (
	"strconv"
	"strings"
	"sync"
	"testing"
)

// drWorld starts leap-two-sites with DR enabled on both PCs.
func drWorld(t *testing.T, mutate func(*WorldConfig)) *World {
	t.Helper()
	return startWorld(t, func(cfg *WorldConfig) {
		for i := range cfg.PCs {
			cfg.PCs[i].DREnabled = true
		}
		if mutate != nil {
			mutate(cfg)
		}
	})
}

// trustBody is a pairing request with remote's credentials.
func trustBody(url, user, pass string) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"kind": "cloud_trust"},
		"spec": map[string]any{"resources": map[string]any{
			"url": url, "username": user, "password": pass, "cloud_type": "ONPREM_CLOUD",
		}},
	}
}

// pair asks c's PC to pair with url and returns the accepted trust and the ended task.
func (c *apiClient) pair(url, user, pass string) (map[string]any, map[string]any) {
	c.t.Helper()
	r := expect(c.t, c.v3("POST", "/cloud_trusts", trustBody(url, user, pass)), 202).json(c.t)
	if getString(r, "status", "state") != "PENDING" {
		c.t.Fatalf("accepted trust: %s", mustJSON(r))
	}
	return r, c.waitTask(getString(r, "status", "execution_context", "task_uuid"))
}

// mustPair pairs c's PC with remote by its advertised IP and returns the task.
func (c *apiClient) mustPair(remote *PC) map[string]any {
	c.t.Helper()
	_, task := c.pair(remote.AdvertisedIP(), remote.Username(), remote.Password())
	if getString(task, "status") != TaskSucceeded {
		c.t.Fatalf("pairing with %s: %s", remote.Name(), mustJSON(task))
	}
	return task
}

// pairingCounts returns how many cloud trusts, availability zones and remote connections
// a PC has.
func pairingCounts(w *World, pc string) [3]int {
	st := w.State().PCs[pc]
	return [3]int{len(st.Entities["cloud_trusts"]), len(st.Entities["availability_zones"]), len(st.Entities["remote_connections"])}
}

func TestPairingCreatesBothSides(t *testing.T) {
	w := drWorld(t, nil)
	canada, france := w.PC("canada"), w.PC("france")
	var mu sync.Mutex
	var recorded []Exchange
	w.OnExchange(func(x Exchange) {
		mu.Lock()
		recorded = append(recorded, x)
		mu.Unlock()
	})
	ca, fr := newClient(t, canada), newClient(t, france)

	accepted, task := ca.pair("https://"+france.AdvertisedIP()+":9440", france.Username(), france.Password())
	if getString(task, "status") != TaskSucceeded {
		t.Fatalf("pairing: %s", mustJSON(task))
	}
	refs := map[string]string{}
	for _, ref := range arr(t, task["entity_reference_list"]) {
		refs[getString(ref, "kind")] = getString(ref, "uuid")
	}
	trustID := getString(accepted, "metadata", "uuid")
	if refs["cloud_trust"] != trustID || refs["availability_zone"] == "" {
		t.Fatalf("task references %v, want the trust %s and an availability zone", refs, trustID)
	}

	// Each side sees the other as PC_<advertised ip>.
	for _, side := range []struct {
		c    *apiClient
		peer *PC
	}{{ca, france}, {fr, canada}} {
		azs := side.c.azs()
		name := "PC_" + side.peer.AdvertisedIP()
		az, ok := azs[name]
		if len(azs) != 2 || !ok || azs["Local AZ"] == nil {
			t.Fatalf("%s: availability zones %v, want Local AZ and %s", side.c.pc.Name(), azs, name)
		}
		if getString(az, "status", "resources", "management_plane_type") != "PC" ||
			getString(az, "status", "resources", "management_url") != side.peer.AdvertisedIP() ||
			get(az, "status", "message_list") != nil {
			t.Fatalf("%s: %s", name, mustJSON(az))
		}
		id := getString(az, "metadata", "uuid")
		got := expect(t, side.c.v3("GET", "/availability_zones/"+id, nil), 200).json(t)
		if getString(got, "status", "name") != name {
			t.Fatalf("GET %s: %s", id, mustJSON(got))
		}
		rcID := getString(got, "status", "resources", "credentials", "pc", "remote_connection_reference", "uuid")
		rc := expect(t, side.c.v3("GET", "/remote_connections/"+rcID, nil), 200).json(t)
		if getString(rc, "status", "resources", "remote_address", "ip") != side.peer.AdvertisedIP() ||
			getString(rc, "status", "resources", "remote_connection_info", "cluster_uuid") != side.peer.UUID() {
			t.Fatalf("remote connection of %s: %s", name, mustJSON(rc))
		}
		trusts := expect(t, side.c.v3("POST", "/cloud_trusts/list", map[string]any{"kind": "cloud_trust"}), 200).json(t)
		if getInt(t, trusts, "metadata", "total_matches") != 1 {
			t.Fatalf("%s trusts: %s", side.c.pc.Name(), mustJSON(trusts))
		}
		trust := obj(t, get(trusts, "entities", 0))
		if getString(trust, "status", "resources", "remote_connection_reference", "uuid") != rcID ||
			getString(trust, "status", "state") != "COMPLETE" {
			t.Fatalf("%s trust: %s", side.c.pc.Name(), mustJSON(trust))
		}
		if side.c == ca && refs["availability_zone"] != id {
			t.Fatalf("task names AZ %s, canada's AZ of france is %s", refs["availability_zone"], id)
		}
	}
	got := expect(t, ca.v3("GET", "/cloud_trusts/"+trustID, nil), 200).json(t)
	if getString(got, "spec", "resources", "url") != "https://192.168.0.10:9440" ||
		getString(got, "spec", "resources", "username") != france.Username() ||
		get(got, "spec", "resources", "password") != nil || get(got, "status", "resources", "password") != nil {
		t.Fatalf("GET trust: %s", mustJSON(got))
	}

	// The password shows nowhere: answers, state, recorded requests.
	secret := france.Password()
	if strings.Contains(mustJSON(w.State()), secret) {
		t.Fatal("state shows the remote password")
	}
	mu.Lock()
	defer mu.Unlock()
	w.OnExchange(nil)
	for _, x := range recorded {
		if strings.Contains(string(x.RequestBody), secret) || strings.Contains(string(x.ResponseBody), secret) {
			t.Fatalf("%s %s records the password", x.Method, x.Path)
		}
	}
}

func TestPairingAddresses(t *testing.T) {
	w := drWorld(t, nil)
	canada, france := w.PC("canada"), w.PC("france")
	ca := newClient(t, canada)
	port := strconv.Itoa(france.Port())
	for _, url := range []string{
		"192.168.0.10", "192.168.0.10:9440", "https://192.168.0.10", "HTTPS://192.168.0.10:9440/",
		"127.0.0.1:" + port, "localhost:" + port, "https://localhost:" + port, "192.168.0.10:" + port,
	} {
		t.Run(url, func(t *testing.T) {
			accepted, task := ca.pair(url, france.Username(), france.Password())
			if getString(task, "status") != TaskSucceeded {
				t.Fatalf("pairing with %s: %s", url, mustJSON(task))
			}
			if _, ok := ca.azs()["PC_192.168.0.10"]; !ok {
				t.Fatalf("no PC_192.168.0.10 after pairing with %s", url)
			}
			del := expect(t, ca.v3("DELETE", "/cloud_trusts/"+getString(accepted, "metadata", "uuid"), nil), 202).json(t)
			if s := getString(ca.waitTask(getString(del, "status", "execution_context", "task_uuid")), "status"); s != TaskSucceeded {
				t.Fatalf("unpair: %s", s)
			}
		})
	}
}

func TestPairingFailuresLeaveNothing(t *testing.T) {
	w := drWorld(t, func(cfg *WorldConfig) {
		cfg.PCs = append(cfg.PCs, PCConfig{Name: "spain", AdvertisedIP: "192.168.20.10"})
	})
	canada, france, spain := w.PC("canada"), w.PC("france"), w.PC("spain")
	ca := newClient(t, canada)
	empty := [3]int{0, 1, 0} // the Local AZ only
	check := func(t *testing.T, want map[string][3]int) {
		t.Helper()
		for pc, n := range want {
			if got := pairingCounts(w, pc); got != n {
				t.Fatalf("%s has %v cloud trusts, AZs, remote connections; want %v", pc, got, n)
			}
		}
	}
	failed := func(t *testing.T, url, user, pass, reason, msg string) {
		t.Helper()
		_, task := ca.pair(url, user, pass)
		if getString(task, "status") != TaskFailed || getString(task, "error_code") != reason ||
			!strings.Contains(getString(task, "error_detail"), msg) {
			t.Fatalf("task: %s; want FAILED %s mentioning %q", mustJSON(task), reason, msg)
		}
		if strings.Contains(mustJSON(task), pass) {
			t.Fatal("the task shows the password")
		}
	}

	t.Run("remote DR disabled", func(t *testing.T) {
		failed(t, spain.AdvertisedIP(), spain.Username(), spain.Password(), "PAIRING_FAILED", "not enabled on the remote")
		check(t, map[string][3]int{"canada": empty, "spain": {0, 0, 0}})
	})
	t.Run("self by advertised ip", func(t *testing.T) {
		failed(t, canada.AdvertisedIP(), canada.Username(), canada.Password(), "PAIRING_FAILED", "with itself")
		check(t, map[string][3]int{"canada": empty})
	})
	t.Run("self by listen address", func(t *testing.T) {
		failed(t, "127.0.0.1:"+strconv.Itoa(canada.Port()), canada.Username(), canada.Password(), "PAIRING_FAILED", "with itself")
		check(t, map[string][3]int{"canada": empty})
	})
	t.Run("wrong password", func(t *testing.T) {
		failed(t, france.AdvertisedIP(), france.Username(), "not-the-password", "PAIRING_FAILED", "authentication failed")
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("wrong user", func(t *testing.T) {
		failed(t, france.AdvertisedIP(), "nobody", france.Password(), "PAIRING_FAILED", "authentication failed")
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("unknown address", func(t *testing.T) {
		failed(t, "10.9.9.9", "admin", "x", "REMOTE_CLUSTER_NOT_CONNECTED", "unreachable")
		failed(t, "192.168.0.10:1", "admin", "x", "REMOTE_CLUSTER_NOT_CONNECTED", "unreachable")
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("remote down", func(t *testing.T) {
		if err := w.SiteDown("france"); err != nil {
			t.Fatal(err)
		}
		failed(t, france.AdvertisedIP(), france.Username(), france.Password(), "REMOTE_CLUSTER_NOT_CONNECTED", "unreachable")
		if err := w.SiteUp("france"); err != nil {
			t.Fatal(err)
		}
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("injected task failure", func(t *testing.T) {
		addFault(t, ca, map[string]any{"kind": "task_failure", "path_prefix": "/api/nutanix/v3/cloud_trusts"})
		_, task := ca.pair(france.AdvertisedIP(), france.Username(), france.Password())
		if getString(task, "status") != TaskFailed {
			t.Fatalf("task: %s", mustJSON(task))
		}
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("refused at once", func(t *testing.T) {
		body := func(mutate func(res map[string]any)) map[string]any {
			b := trustBody(france.AdvertisedIP(), france.Username(), france.Password())
			mutate(obj(t, get(b, "spec", "resources")))
			return b
		}
		for name, tc := range map[string]struct {
			body   map[string]any
			reason string
		}{
			"no password":    {body(func(r map[string]any) { delete(r, "password") }), "VALIDATION_ERROR"},
			"no url":         {body(func(r map[string]any) { r["url"] = " " }), "VALIDATION_ERROR"},
			"bad url":        {body(func(r map[string]any) { r["url"] = "192.168.0.10:http" }), "VALIDATION_ERROR"},
			"bad cloud_type": {body(func(r map[string]any) { r["cloud_type"] = "MOON" }), "VALIDATION_ERROR"},
			"aws":            {body(func(r map[string]any) { r["cloud_type"] = "AWS" }), "INVALID_ARGUMENT"},
			"wrong type":     {body(func(r map[string]any) { r["password"] = 7 }), "VALIDATION_ERROR"},
		} {
			r := expect(t, ca.v3("POST", "/cloud_trusts", tc.body), 422)
			if r.reason(t) != tc.reason {
				t.Errorf("%s: %s, want %s", name, r.body, tc.reason)
			}
			if strings.Contains(string(r.body), france.Password()) {
				t.Errorf("%s: the answer shows the password", name)
			}
		}
		check(t, map[string][3]int{"canada": empty, "france": empty})
	})
	t.Run("local DR disabled", func(t *testing.T) {
		sp := newClient(t, spain)
		r := expect(t, sp.v3("POST", "/cloud_trusts", trustBody(canada.AdvertisedIP(), canada.Username(), canada.Password())), 422)
		if r.reason(t) != "PAIRING_FAILED" || !strings.Contains(r.message(t), "not enabled") {
			t.Fatalf("pairing from a PC without DR: %s", r.body)
		}
		check(t, map[string][3]int{"canada": empty, "spain": {0, 0, 0}})
	})
	t.Run("twice", func(t *testing.T) {
		ca.mustPair(france)
		paired := [3]int{1, 2, 1}
		failed(t, france.AdvertisedIP(), france.Username(), france.Password(), "CLOUD_TRUST_EXISTS", "already paired")
		fr := newClient(t, france)
		_, task := fr.pair(canada.AdvertisedIP(), canada.Username(), canada.Password())
		if getString(task, "error_code") != "CLOUD_TRUST_EXISTS" {
			t.Fatalf("pairing back from france: %s", mustJSON(task))
		}
		check(t, map[string][3]int{"canada": paired, "france": paired})
		// A create retried with the uuid of an existing entity is refused.
		trust := get(expect(t, ca.v3("POST", "/cloud_trusts/list", map[string]any{}), 200).json(t), "entities", 0)
		b := trustBody(spain.AdvertisedIP(), spain.Username(), spain.Password())
		b["metadata"] = map[string]any{"kind": "cloud_trust", "uuid": getString(trust, "metadata", "uuid")}
		if r := expect(t, ca.v3("POST", "/cloud_trusts", b), 409); r.reason(t) != "ENTITY_ALREADY_EXISTS" {
			t.Fatalf("duplicate uuid: %s", r.body)
		}
		check(t, map[string][3]int{"canada": paired, "france": paired, "spain": {0, 0, 0}})
	})
}

func TestUnpairRemovesBothSides(t *testing.T) {
	w := drWorld(t, nil)
	canada, france := w.PC("canada"), w.PC("france")
	ca, fr := newClient(t, canada), newClient(t, france)
	empty := [3]int{0, 1, 0}
	unpair := func(c *apiClient, id string) {
		t.Helper()
		r := expect(t, c.v3("DELETE", "/cloud_trusts/"+id, nil), 202).json(t)
		if getString(r, "status", "state") != "DELETE_PENDING" {
			t.Fatalf("delete answer: %s", mustJSON(r))
		}
		if s := getString(c.waitTask(getString(r, "status", "execution_context", "task_uuid")), "status"); s != TaskSucceeded {
			t.Fatalf("unpair task %s", s)
		}
		expect(t, c.v3("GET", "/cloud_trusts/"+id, nil), 404)
		expect(t, c.v3("DELETE", "/cloud_trusts/"+id, nil), 404)
	}
	trustOf := func(c *apiClient) string {
		r := expect(t, c.v3("POST", "/cloud_trusts/list", map[string]any{}), 200).json(t)
		return getString(r, "entities", 0, "metadata", "uuid")
	}

	// Unpair from the side that paired.
	ca.mustPair(france)
	unpair(ca, trustOf(ca))
	if a, b := pairingCounts(w, "canada"), pairingCounts(w, "france"); a != empty || b != empty {
		t.Fatalf("after unpairing: canada %v france %v", a, b)
	}
	// Unpair from the other side.
	ca.mustPair(france)
	unpair(fr, trustOf(fr))
	if a, b := pairingCounts(w, "canada"), pairingCounts(w, "france"); a != empty || b != empty {
		t.Fatalf("after unpairing from france: canada %v france %v", a, b)
	}
	// Pair again from france: the names follow the initiator's view.
	fr.mustPair(canada)
	if _, ok := ca.azs()["PC_192.168.0.10"]; !ok {
		t.Fatal("canada should see PC_192.168.0.10 again")
	}

	// Unpair while the remote is down: this side at once, the remote side when it is up.
	if err := w.SiteDown("canada"); err != nil {
		t.Fatal(err)
	}
	unpair(fr, trustOf(fr))
	if got := pairingCounts(w, "canada"); got != [3]int{1, 2, 1} {
		t.Fatalf("canada, down, should keep its side until it is up: %v", got)
	}
	if err := w.SiteUp("canada"); err != nil {
		t.Fatal(err)
	}
	if a, b := pairingCounts(w, "canada"), pairingCounts(w, "france"); a != empty || b != empty {
		t.Fatalf("after canada came back: canada %v france %v", a, b)
	}
	if azs := ca.azs(); len(azs) != 1 {
		t.Fatalf("canada's AZs after coming back: %v", azs)
	}
	expect(t, ca.v3("DELETE", "/cloud_trusts/not-a-uuid", nil), 400)
}
