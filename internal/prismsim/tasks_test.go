package prismsim

import (
	"net/http"
	"testing"
	"time"
)

// updateVM PUTs a VM back unchanged and returns the task UUID.
func updateVM(t *testing.T, c *apiClient, name string) string {
	t.Helper()
	vm := c.vmByName(name)
	r := expect(t, c.v3("PUT", "/vms/"+getString(vm, "metadata", "uuid"), map[string]any{"metadata": vm["metadata"], "spec": vm["spec"]}), 202)
	return getString(r.json(t), "status", "execution_context", "task_uuid")
}

func TestTaskLifecycle(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) { cfg.Settings.TaskLatency = Duration(600 * time.Millisecond) })
	c := newClient(t, w.PC("canada"))
	id := updateVM(t, c, "app-01")
	seen := map[string]bool{}
	var last map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		last = expect(t, c.v3("GET", "/tasks/"+id, nil), 200).json(t)
		status := getString(last, "status")
		seen[status] = true
		if status == TaskRunning && (getString(last, "start_time") == "" || getInt(t, last, "percentage_complete") != 50) {
			t.Fatalf("running task: %s", mustJSON(last))
		}
		if status == TaskSucceeded {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !seen[TaskQueued] || !seen[TaskRunning] || !seen[TaskSucceeded] {
		t.Fatalf("statuses seen %v", seen)
	}
	created, _ := time.Parse(time.RFC3339, getString(last, "creation_time"))
	completed, _ := time.Parse(time.RFC3339, getString(last, "completion_time"))
	if created.IsZero() || completed.Before(created) || getInt(t, last, "completion_time_usecs") < getInt(t, last, "creation_time_usecs") {
		t.Fatalf("times: %s", mustJSON(last))
	}
	if getString(last, "cluster_reference", "uuid") != w.PC("canada").UUID() {
		t.Fatalf("cluster_reference %v", last["cluster_reference"])
	}
	expect(t, c.v3("GET", "/tasks/"+newUUID(), nil), http.StatusNotFound)
}

func TestTaskPoll(t *testing.T) {
	w := startWorld(t, func(cfg *WorldConfig) { cfg.Settings.TaskLatency = Duration(300 * time.Millisecond) })
	c := newClient(t, w.PC("canada"))

	// Returns as soon as a listed task completes, well before the timeout.
	slow := updateVM(t, c, "app-01")
	start := time.Now()
	r := expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{slow}, "poll_timeout_seconds": 20}), 200).json(t)
	elapsed := time.Since(start)
	if r["has_poll_timed_out"] != false || getString(r, "entities", 0, "status") != TaskSucceeded || getString(r, "entities", 0, "uuid") != slow {
		t.Fatalf("poll: %s", mustJSON(r))
	}
	if elapsed > 3*time.Second {
		t.Fatalf("poll took %s for a 300ms task", elapsed)
	}
	// Already done: at once.
	start = time.Now()
	expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{slow}, "poll_timeout_seconds": 20}), 200)
	if time.Since(start) > time.Second {
		t.Fatal("poll of an ended task waited")
	}
	// Timeout 0 answers the current state.
	pending := updateVM(t, c, "db-01")
	r = expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{pending}, "poll_timeout_seconds": 0}), 200).json(t)
	if r["has_poll_timed_out"] != true || getString(r, "entities", 0, "status") == TaskSucceeded {
		t.Fatalf("poll 0: %s", mustJSON(r))
	}
	c.waitTask(pending)

	// Times out when nothing completes.
	w.UpdateSettings(Settings{TaskLatency: Duration(5 * time.Second)})
	stuck := updateVM(t, c, "dns-01")
	start = time.Now()
	r = expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{stuck}, "poll_timeout_seconds": 1}), 200).json(t)
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond || elapsed > 4*time.Second || r["has_poll_timed_out"] != true {
		t.Fatalf("timeout after %s: %s", elapsed, mustJSON(r))
	}

	expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{newUUID()}, "poll_timeout_seconds": 1}), http.StatusNotFound)
	expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{stuck}, "poll_timeout_seconds": 31}), 422)
	expect(t, c.v3("POST", "/tasks/poll", map[string]any{"task_uuid_list": []string{stuck}}), 422)
	expect(t, c.v3("POST", "/tasks/poll", map[string]any{"poll_timeout_seconds": 1}), 422)
}

func TestTaskList(t *testing.T) {
	w := startWorld(t, nil)
	c := newClient(t, w.PC("canada"))
	first := updateVM(t, c, "app-01")
	second := updateVM(t, c, "db-01")
	c.waitTask(first)
	c.waitTask(second)
	r := expect(t, c.v3("POST", "/tasks/list", map[string]any{"kind": "task"}), 200).json(t)
	if getInt(t, r, "metadata", "total_matches") != 2 || getString(r, "entities", 0, "uuid") != second {
		t.Fatalf("tasks newest first: %s", mustJSON(r))
	}
	vm := c.vmByName("app-01")
	r = expect(t, c.v3("POST", "/tasks/list", map[string]any{"filter": "entity_uuid==" + getString(vm, "metadata", "uuid") + ";status==SUCCEEDED"}), 200).json(t)
	if getInt(t, r, "metadata", "total_matches") != 1 || getString(r, "entities", 0, "uuid") != first {
		t.Fatalf("filtered tasks: %s", mustJSON(r))
	}
	if len(arr(t, expect(t, newClient(t, w.PC("france")).v3("POST", "/tasks/list", nil), 200).json(t)["entities"])) != 0 {
		t.Fatal("tasks leak between PCs")
	}
}
