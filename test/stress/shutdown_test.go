package stress_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestGracefulStopAnswersEverySaveItTook sends SIGTERM while ten clients
// save. The server stops taking requests, finishes and answers the saves
// it had taken, then exits with status 0: after a restart the history
// holds exactly the acknowledged revisions. (After a SIGKILL it may hold
// more: saves committed whose answer never left.)
func TestGracefulStopAnswersEverySaveItTook(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		ctx := context.Background()
		token := d.account(t, "arret")
		srv := startServer(t, d)
		c := newClient(srv.base, token)
		slugs, acks := createCrashSheets(t, c)

		var bad problems
		forced := false
		began := time.Now()
		st := crashCycle(c, slugs, 1, 300*time.Millisecond, &bad, func() {
			srv.terminate()
			// A connection the client opened but never used would hold
			// the shutdown for its whole grace; those in use finish.
			c.close()
			forced = srv.waitExit()
		})
		c.close()
		for _, l := range logLines(srv.log.String(), serverTrouble...) {
			bad.add("server log: %s", l)
		}
		bad.report(t, "graceful stop")
		if forced {
			t.Errorf("the server did not stop within 15 s of SIGTERM and was killed")
		}
		if srv.exit != nil {
			t.Errorf("the server exited with %v after SIGTERM, want status 0", srv.exit)
		}
		if st.inFlightAtKill == 0 || len(st.acks) == 0 {
			t.Fatalf("the stop found %d saves in flight after %d acknowledged: the test proves nothing", st.inFlightAtKill, len(st.acks))
		}
		acks = append(acks, st.acks...)

		srv = startServer(t, d)
		c = newClient(srv.base, token)
		defer srv.stopClean(t, c)
		problems := verifyAcks(ctx, c, slugs, acks, 0)
		stored := 0
		for _, slug := range slugs {
			list, err := c.revisions(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			stored += len(list)
		}
		if stored != len(acks) {
			problems = append(problems, fmt.Sprintf("%d revisions stored, %d acknowledged: a save was taken but not answered", stored, len(acks)))
		}
		if len(problems) > 0 {
			t.Fatalf("after the restart:\n  %s", strings.Join(problems, "\n  "))
		}
		t.Logf("SIGTERM with %d saves in flight; %d saves acknowledged, %d refused while stopping; stopped in %v",
			st.inFlightAtKill, len(st.acks), st.interrupted, time.Since(began).Round(time.Millisecond))
	})
}
