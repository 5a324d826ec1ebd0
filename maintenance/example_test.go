package maintenance_test

import (
	"context"
	"fmt"
	"time"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// A handler configured to be in maintenance, switched off by an operator,
// then handed back to its configuration.
func Example() {
	entry := maintenance.NewEntry("app")
	m, err := maintenance.NewMachine(maintenance.Config{Enabled: true, RetryAfter: 10 * time.Minute}, entry, nil, nil)
	if err != nil {
		panic(err)
	}
	s := m.Current()
	fmt.Println(s.On, s.Source, s.RetryAfter)

	off, _ := maintenance.NewSwitch(maintenance.Switch{On: false}, time.Now())
	entry.Apply(context.Background(), nil, off) // no Store: this instance only
	fmt.Println(m.Current().On, m.Switched())

	clear, _ := maintenance.NewSwitch(maintenance.Switch{Cleared: true}, time.Now())
	entry.Apply(context.Background(), nil, clear)
	fmt.Println(m.Current().On, m.Current().Source)
	// Output:
	// true config 600
	// false true
	// true config
}
