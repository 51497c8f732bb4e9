package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

const remotePassword = "Remote-Pa55word-qrs"

func pairInput() CloudTrustInput {
	return CloudTrustInput{RemoteAddress: remoteAddr, Username: "admin", Password: remotePassword}
}

// noSecret fails if the remote password shows anywhere the client exposes.
func noSecret(t *testing.T, log *recLogger, values ...any) {
	t.Helper()
	if strings.Contains(log.text(), remotePassword) {
		t.Errorf("the remote password was logged: %s", log.text())
	}
	for _, v := range values {
		for _, s := range []string{fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v)} {
			if strings.Contains(s, remotePassword) {
				t.Errorf("the remote password shows in %s", s)
			}
		}
	}
}

func TestCreateCloudTrustWire(t *testing.T) {
	f := newFakeDR(t)
	f.enableLocal()
	c, log := f.server(t)
	in := pairInput()
	ct, err := c.CreateCloudTrust(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.bodies) != 1 {
		t.Fatalf("%d creates sent", len(f.bodies))
	}
	var sent map[string]any
	if err := json.Unmarshal([]byte(f.bodies[0]), &sent); err != nil {
		t.Fatal(err)
	}
	md, _ := sent["metadata"].(map[string]any)
	spec, _ := sent["spec"].(map[string]any)
	res, _ := spec["resources"].(map[string]any)
	id, _ := md["uuid"].(string)
	if md["kind"] != "cloud_trust" || !uuidPattern.MatchString(id) || sent["api_version"] != apiVersion {
		t.Errorf("metadata = %v, api_version = %v", md, sent["api_version"])
	}
	want := map[string]any{"url": remoteAddr, "username": "admin", "password": remotePassword, "cloud_type": CloudTypeOnPrem}
	if fmt.Sprint(res) != fmt.Sprint(want) || len(spec) != 1 {
		t.Errorf("spec = %v, want resources %v", spec, want)
	}
	if ct.UUID != id || ct.URL != remoteAddr || ct.CloudType != CloudTypeOnPrem || ct.State != "COMPLETE" ||
		ct.RemoteConnectionUUID != remoteConn || ct.AvailabilityZoneUUID != remoteAZUUID {
		t.Errorf("cloud trust = %+v", ct)
	}
	noSecret(t, log, ct, in)

	got, err := c.GetCloudTrust(context.Background(), id)
	if err != nil || *got != *ct {
		t.Errorf("GetCloudTrust = %+v, %v; want %+v", got, err, ct)
	}
	all, err := c.ListCloudTrusts(context.Background())
	if err != nil || len(all) != 1 || all[0] != *ct {
		t.Errorf("ListCloudTrusts = %+v, %v", all, err)
	}
	noSecret(t, log, got, all)
}

func TestCreateCloudTrustDroppedAnswer(t *testing.T) {
	for _, reason := range []string{"", "CLOUD_TRUST_EXISTS"} {
		t.Run("refused as "+firstNonEmpty(reason, ReasonEntityAlreadyExists), func(t *testing.T) {
			f := newFakeDR(t)
			f.enableLocal()
			f.dropCreates = 1
			f.pairedReason = reason
			c, log := f.server(t)
			ct, err := c.CreateCloudTrust(context.Background(), pairInput())
			if err != nil {
				t.Fatalf("pairing after a dropped answer: %v", err)
			}
			if len(f.bodies) != 2 || len(f.trusts) != 1 {
				t.Fatalf("creates = %d, trusts = %d; want 2 sent and one trust", len(f.bodies), len(f.trusts))
			}
			if f.bodies[0] != f.bodies[1] {
				t.Errorf("the retry differs from the first attempt:\n%s\n%s", f.bodies[0], f.bodies[1])
			}
			if _, ok := f.trusts[ct.UUID]; !ok || ct.AvailabilityZoneUUID != remoteAZUUID {
				t.Errorf("cloud trust = %+v", ct)
			}
			noSecret(t, log, ct)
		})
	}
}

func TestCreateCloudTrustRefused(t *testing.T) {
	f := newFakeDR(t)
	f.enableLocal()
	f.pairedReason = "CLOUD_TRUST_EXISTS"
	f.echo = true
	f.trusts["0d000000-0000-4000-8000-0000000000d0"] = map[string]any{"metadata": map[string]any{"kind": "cloud_trust", "uuid": "0d000000-0000-4000-8000-0000000000d0"}}
	c, log := f.server(t)
	ct, err := c.CreateCloudTrust(context.Background(), pairInput())
	var apiErr *APIError
	if ct != nil || !errors.As(err, &apiErr) || !apiErr.HasReason("CLOUD_TRUST_EXISTS") {
		t.Fatalf("CreateCloudTrust = %+v, %v; want a CLOUD_TRUST_EXISTS *APIError", ct, err)
	}
	mustContain(t, err.Error(), "pairing with remote Prism Central "+remoteAddr+": POST /api/nutanix/v3/cloud_trusts answered 409 Conflict", "CLOUD_TRUST_EXISTS", "already paired with "+remoteAddr, redacted)
	noSecret(t, log, err, apiErr.Messages)
	if len(f.bodies) != 1 {
		t.Errorf("a refused create was sent %d times", len(f.bodies))
	}
}

func TestCreateCloudTrustTaskFails(t *testing.T) {
	f := newFakeDR(t)
	f.enableLocal()
	f.echo = true
	f.createFinal = map[string]any{"status": TaskFailed, "error_code": "PAIRING_FAILED", "error_detail": "authentication failed on remote Prism Central " + remoteAddr}
	c, log := f.server(t)
	ct, err := c.CreateCloudTrust(context.Background(), pairInput())
	var te *TaskError
	if ct != nil || !errors.As(err, &te) || te.ErrorCode != "PAIRING_FAILED" {
		t.Fatalf("CreateCloudTrust = %+v, %v; want a PAIRING_FAILED *TaskError", ct, err)
	}
	mustContain(t, err.Error(), "pairing with remote Prism Central "+remoteAddr+": task ", "ended FAILED: PAIRING_FAILED: authentication failed on remote Prism Central "+remoteAddr)
	noSecret(t, log, err, te.ErrorDetail)
}

func TestCreateCloudTrustWaitTimesOut(t *testing.T) {
	f := newFakeDR(t)
	f.enableLocal()
	f.latency = time.Minute
	c, log := f.server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	ct, err := c.CreateCloudTrust(ctx, pairInput())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the deadline", err)
	}
	mustContain(t, err.Error(), "pairing with remote Prism Central "+remoteAddr)
	if ct == nil || f.trusts[ct.UUID] == nil {
		t.Fatalf("CloudTrust = %+v, want the accepted trust's uuid so that the caller can delete it", ct)
	}
	noSecret(t, log, ct, err)
}

func TestCreateCloudTrustValidates(t *testing.T) {
	f := newFakeDR(t)
	c, _ := f.server(t)
	tests := []struct {
		in   CloudTrustInput
		want string
	}{
		{CloudTrustInput{Username: "admin", Password: "x"}, "the remote address is empty"},
		{CloudTrustInput{RemoteAddress: remoteAddr, Password: "x"}, "the remote username is empty"},
		{CloudTrustInput{RemoteAddress: remoteAddr, Username: "admin"}, "the remote password is empty"},
		{CloudTrustInput{RemoteAddress: remoteAddr, Username: "admin", Password: "x", CloudType: "GCP"}, `cloud type "GCP" is not one of ONPREM_CLOUD, NUTANIX_HOSTED_CLOUD, AWS, AZURE`},
	}
	for _, tt := range tests {
		_, err := c.CreateCloudTrust(context.Background(), tt.in)
		if err == nil {
			t.Errorf("%+v accepted", tt.in)
			continue
		}
		mustContain(t, err.Error(), "pairing with remote Prism Central", tt.want)
	}
	if len(f.bodies) != 0 {
		t.Errorf("invalid input was sent: %v", f.bodies)
	}
}

func TestCloudTrustInputStringHidesPassword(t *testing.T) {
	in := pairInput()
	for _, s := range []string{fmt.Sprint(in), fmt.Sprintf("%+v", in), fmt.Sprintf("%#v", in)} {
		if strings.Contains(s, remotePassword) || !strings.Contains(s, remoteAddr) {
			t.Errorf("rendered as %s", s)
		}
	}
}

func TestDeleteCloudTrust(t *testing.T) {
	f := newFakeDR(t)
	f.enableLocal()
	c, _ := f.server(t)
	ctx := context.Background()
	ct, err := c.CreateCloudTrust(ctx, pairInput())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCloudTrust(ctx, ct.UUID); err != nil {
		t.Fatal(err)
	}
	if len(f.trusts) != 0 || len(f.azs) != 1 {
		t.Errorf("after unpairing: trusts %v, zones %v", f.trusts, f.azs)
	}
	err = c.DeleteCloudTrust(ctx, ct.UUID)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting a missing trust: %v, want ErrNotFound", err)
	}
	mustContain(t, err.Error(), "unpairing cloud trust "+ct.UUID)
	if _, err := c.GetCloudTrust(ctx, ct.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetCloudTrust after delete: %v", err)
	}
}

func TestAvailabilityZonesAndTrustLinks(t *testing.T) {
	for _, byAddress := range []bool{false, true} {
		t.Run(fmt.Sprintf("by address %t", byAddress), func(t *testing.T) {
			f := newFakeDR(t)
			f.enableLocal()
			f.noRemoteConnection = byAddress
			if byAddress {
				// The trust reports the address as a URL; the zone as an IP.
				f.trustURLAnswer = "https://" + remoteAddr + ":9440/"
			}
			c, _ := f.server(t)
			ctx := context.Background()
			ct, err := c.CreateCloudTrust(ctx, pairInput())
			if err != nil {
				t.Fatal(err)
			}
			azs, err := c.ListAvailabilityZones(ctx, "")
			if err != nil || len(azs) != 2 {
				t.Fatalf("ListAvailabilityZones = %+v, %v", azs, err)
			}
			var remote AvailabilityZone
			for _, az := range azs {
				if az.Type == AvailabilityZonePC {
					remote = az
				}
			}
			if remote.UUID != remoteAZUUID || remote.Name != "PC_"+remoteAddr || remote.ManagementURL != remoteAddr || remote.CloudTrustUUID != ct.UUID || !remote.Reachable {
				t.Errorf("remote zone = %+v", remote)
			}
			got, err := c.GetAvailabilityZone(ctx, remoteAZUUID)
			if err != nil || *got != remote {
				t.Errorf("GetAvailabilityZone = %+v, %v; want %+v", got, err, remote)
			}
			byAZ, err := c.CloudTrustForAvailabilityZone(ctx, remoteAZUUID)
			if err != nil || byAZ.UUID != ct.UUID || byAZ.AvailabilityZoneUUID != remoteAZUUID {
				t.Errorf("CloudTrustForAvailabilityZone = %+v, %v", byAZ, err)
			}
			_, err = c.CloudTrustForAvailabilityZone(ctx, localAZUUID)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("trust of the Local zone: %v", err)
			} else {
				mustContain(t, err.Error(), "Local availability zone", "remote availability zone")
			}
			if _, err := c.CloudTrustForAvailabilityZone(ctx, "0f000000-0000-4000-8000-00000000000f"); !errors.Is(err, ErrNotFound) {
				t.Errorf("trust of a missing zone: %v", err)
			}
			f.mu.Lock()
			clear(f.trusts)
			f.mu.Unlock()
			_, err = c.CloudTrustForAvailabilityZone(ctx, remoteAZUUID)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("trust of a zone without one: %v", err)
			} else {
				mustContain(t, err.Error(), "no cloud trust pairs with PC_"+remoteAddr)
			}
		})
	}
}

func TestAvailabilityZoneReachability(t *testing.T) {
	tests := []struct {
		extra []map[string]any
		want  bool
	}{
		{nil, true},
		{[]map[string]any{{"reason": ReasonRemoteNotConnected, "message": "unreachable"}}, false},
		{[]map[string]any{{"reason": "SOMETHING_ELSE", "message": "note"}}, true},
	}
	for _, tt := range tests {
		az := azEntity(remoteAZUUID, "PC_"+remoteAddr, "PC", remoteAddr, remoteConn, nil)
		if status, ok := az["status"].(map[string]any); ok && tt.extra != nil {
			status["message_list"] = tt.extra
		}
		raw, err := json.Marshal(az)
		if err != nil {
			t.Fatal(err)
		}
		var a azJSON
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		if got := a.toAZ(""); got.Reachable != tt.want || got.RemoteConnectionUUID != remoteConn {
			t.Errorf("%v: zone = %+v, want reachable %t", tt.extra, got, tt.want)
		}
	}
}

func TestRemoteKey(t *testing.T) {
	tests := map[string]string{
		"10.0.0.2":                    "10.0.0.2:9440",
		" 10.0.0.2:9440 ":             "10.0.0.2:9440",
		"https://10.0.0.2:9440/":      "10.0.0.2:9440",
		"HTTPS://PC.Example.com":      "pc.example.com:9440",
		"127.0.0.1:40123":             "127.0.0.1:40123",
		"[fd00::2]:9440":              "[fd00::2]:9440",
		"fd00::2":                     "[fd00::2]:9440",
		"https://[fd00::2]/api/x?y=1": "[fd00::2]:9440",
		"":                            "",
	}
	for in, want := range tests {
		if got := remoteKey(in); got != want {
			t.Errorf("remoteKey(%q) = %q, want %q", in, got, want)
		}
	}
}
