// cron-oracle prints what Kubernetes' cron library (robfig/cron v3, the version the CronJob
// controller vendors) computes, so tests can compare ETL Monitor's TypeScript port against it.
// Input lines on stdin: EXPR<TAB>TIMEZONE<TAB>FROM(RFC3339)<TAB>COUNT
// Output per input line: the next COUNT run times as RFC3339 UTC separated by spaces, or "ERR".
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		if len(f) != 4 {
			fmt.Fprintln(out, "ERR bad input line")
			continue
		}
		sched, err := cron.ParseStandard("TZ=" + f[1] + " " + f[0])
		if err != nil {
			fmt.Fprintln(out, "ERR")
			continue
		}
		from, err := time.Parse(time.RFC3339, f[2])
		if err != nil {
			fmt.Fprintln(out, "ERR bad from")
			continue
		}
		n, _ := strconv.Atoi(f[3])
		runs := make([]string, 0, n)
		t := from
		for i := 0; i < n; i++ {
			t = sched.Next(t)
			if t.IsZero() {
				break
			}
			runs = append(runs, t.UTC().Format(time.RFC3339))
		}
		fmt.Fprintln(out, strings.Join(runs, " "))
	}
}
