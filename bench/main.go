// Command bench measures normalize against plain reverse_proxy, end to end,
// in one run on one machine.
//
// It builds Caddy with the plugin (./cmd/caddy), starts a fast upstream
// and two Caddy processes in front of it, one with plain reverse_proxy
// and one with normalize + reverse_proxy, then loads them in turn with wrk
// (Debian's package), alternating A B A B over several rounds, and
// reports the median requests/s and p99 latency of each, and the ratio
// normalize/plain. Paths: a clean 200, and a 405 without Allow that
// normalize fixes. Last, it streams a large body through normalize and
// reports the Caddy process's peak RSS, to show memory does not grow with
// the body.
//
//	go run ./bench -rounds 5 -duration 10s
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds of A B measurements")
	duration := flag.Duration("duration", 10*time.Second, "length of one wrk run")
	conns := flag.Int("connections", 50, "concurrent connections")
	bigMiB := flag.Int("big", 1024, "MiB streamed through normalize for the memory check (0 skips it)")
	flag.Parse()
	log.SetFlags(0)

	if _, err := exec.LookPath("wrk"); err != nil {
		log.Fatal("wrk not found: apt-get install wrk")
	}
	dir, err := os.MkdirTemp("", "normalize-bench")
	check(err)
	defer os.RemoveAll(dir)

	caddyBin := filepath.Join(dir, "caddy")
	log.Printf("building ./cmd/caddy")
	build := exec.Command("go", "build", "-o", caddyBin, "./cmd/caddy")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	check(build.Run())
	version, _ := exec.Command(caddyBin, "version").Output()

	upstream := startUpstream()
	plain := startCaddy(caddyBin, dir, "plain", 9201, 2991, "", upstream)
	defer plain.Process.Kill()
	norm := startCaddy(caddyBin, dir, "normalize", 9202, 2992, "normalize {\n\t\tallow GET HEAD POST\n\t}", upstream)
	defer norm.Process.Kill()

	type result struct{ rps, p99 []float64 }
	paths := []string{"/clean", "/405"}
	results := map[string]map[string]*result{}
	for _, p := range paths {
		results[p] = map[string]*result{"plain": {}, "normalize": {}}
		// Warm both up.
		runWrk("http://127.0.0.1:9201"+p, *conns, 2*time.Second)
		runWrk("http://127.0.0.1:9202"+p, *conns, 2*time.Second)
		type target struct {
			name string
			port int
		}
		for i := 0; i < *rounds; i++ {
			// A B, then B A: drift on a shared machine falls on both.
			order := []target{{"plain", 9201}, {"normalize", 9202}}
			if i%2 == 1 {
				order[0], order[1] = order[1], order[0]
			}
			for _, t := range order {
				rps, p99 := runWrk(fmt.Sprintf("http://127.0.0.1:%d%s", t.port, p), *conns, *duration)
				r := results[p][t.name]
				r.rps = append(r.rps, rps)
				r.p99 = append(r.p99, p99)
				log.Printf("round %d %-9s %-6s %10.0f req/s  p99 %7.2f ms", i+1, t.name, p, rps, p99)
			}
		}
	}

	fmt.Printf("\nmachine: %s, %d cores; %s", runtime.GOARCH, runtime.NumCPU(), version)
	fmt.Printf("rounds: %d x %s, %d connections, alternating plain/normalize\n\n", *rounds, *duration, *conns)
	fmt.Println("| path | plain req/s | normalize req/s | ratio of medians | median of round ratios | plain p99 | normalize p99 | p99 ratio |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, p := range paths {
		a, b := results[p]["plain"], results[p]["normalize"]
		ra, rb := median(a.rps), median(b.rps)
		la, lb := median(a.p99), median(b.p99)
		var paired []float64
		for i := range a.rps {
			paired = append(paired, b.rps[i]/a.rps[i])
		}
		fmt.Printf("| %s | %.0f | %.0f | %.3f | %.3f | %.2f ms | %.2f ms | %.3f |\n", p, ra, rb, rb/ra, median(paired), la, lb, lb/la)
	}

	if *bigMiB > 0 {
		fmt.Println()
		for _, mib := range []int{*bigMiB / 16, *bigMiB} {
			n, err := stream(fmt.Sprintf("http://127.0.0.1:9202/big?mib=%d", mib))
			check(err)
			fmt.Printf("streamed %d MiB through normalize: %d bytes, caddy peak RSS %d MiB\n", mib, n, peakRSS(norm.Process.Pid)/1024)
		}
	}
}

// startUpstream serves a clean 200, a 405 without Allow, and a large body.
func startUpstream() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	body := []byte(strings.Repeat("x", 1024))
	chunk := make([]byte, 64<<10)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/405":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusMethodNotAllowed)
			w.Write(body[:32])
		case "/big":
			mib, _ := strconv.Atoi(r.URL.Query().Get("mib"))
			w.Header().Set("Content-Length", strconv.Itoa(mib<<20))
			for i := 0; i < mib<<20/len(chunk); i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		default:
			w.Header().Set("Content-Type", "text/plain")
			w.Write(body)
		}
	})}
	go srv.Serve(ln)
	return ln.Addr().String()
}

func startCaddy(bin, dir, name string, port, admin int, directive, upstream string) *exec.Cmd {
	conf := fmt.Sprintf(`{
	admin localhost:%d
	auto_https off
	persist_config off
	log {
		level ERROR
	}
}
:%d {
	%s
	reverse_proxy %s
}
`, admin, port, directive, upstream)
	file := filepath.Join(dir, name+".Caddyfile")
	check(os.WriteFile(file, []byte(conf), 0o644))
	cmd := exec.Command(bin, "run", "--config", file, "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	cmd.Stderr = io.Discard
	check(cmd.Start())
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return cmd
		}
		time.Sleep(100 * time.Millisecond)
	}
	log.Fatalf("caddy %s did not start", name)
	return nil
}

var (
	reqsRe = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	p99Re  = regexp.MustCompile(`\s99%\s+([0-9.]+)(us|ms|s)`)
	errRe  = regexp.MustCompile(`Non-2xx or 3xx responses|Socket errors`)
)

// runWrk loads url and returns requests/s and p99 latency in ms.
func runWrk(url string, conns int, d time.Duration) (float64, float64) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+d.String(), "--latency", url).CombinedOutput()
	if err != nil {
		log.Fatalf("wrk: %v\n%s", err, out)
	}
	s := string(out)
	if errRe.MatchString(s) && !strings.HasSuffix(url, "/405") {
		log.Fatalf("wrk saw errors:\n%s", s)
	}
	m := reqsRe.FindStringSubmatch(s)
	l := p99Re.FindStringSubmatch(s)
	if m == nil || l == nil {
		log.Fatalf("cannot parse wrk output:\n%s", s)
	}
	rps, _ := strconv.ParseFloat(m[1], 64)
	p99, _ := strconv.ParseFloat(l[1], 64)
	switch l[2] {
	case "us":
		p99 /= 1000
	case "s":
		p99 *= 1000
	}
	return rps, p99
}

// stream reads url to the end and returns the bytes read.
func stream(url string) (int64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}

// peakRSS returns the process's peak resident set size in KiB.
func peakRSS(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	check(err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	return 0
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
