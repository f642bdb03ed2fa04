// Command quay-push pushes a small test image to a Quay repository over the
// registry API, as a robot: it reads the robot's token with the API token
// (QUAY_TOKEN), then logs in to the registry with the robot's name and
// token, as a pipeline does. `make demo` uses it to show a robot's write
// access at work.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
	"github.com/quaytf/terraform-provider-quay/internal/registryclient"
)

func main() {
	url := flag.String("url", os.Getenv("QUAY_URL"), "Quay's base URL (default $QUAY_URL)")
	token := flag.String("token", os.Getenv("QUAY_TOKEN"), "API token that may read the robot's token (default $QUAY_TOKEN)")
	robot := flag.String("robot", "", "robot to push as, namespace+name")
	repo := flag.String("repo", "", "repository to push to, namespace/name")
	tag := flag.String("tag", "latest", "tag to push")
	flag.Parse()
	if err := run(*url, *token, *robot, *repo, *tag); err != nil {
		fmt.Fprintln(os.Stderr, "quay-push:", err)
		os.Exit(1)
	}
}

func run(url, token, robot, repo, tag string) error {
	ns, short, ok := strings.Cut(robot, "+")
	if !ok || repo == "" {
		return fmt.Errorf("give -robot namespace+name and -repo namespace/name")
	}
	base, err := quay.NormalizeBaseURL(url)
	if err != nil {
		return err
	}
	c, err := quay.New(base, quay.WithToken(token))
	if err != nil {
		return err
	}
	r, err := c.GetRobot(context.Background(), quay.RobotOwner{Namespace: ns}, short)
	if err != nil {
		return fmt.Errorf("reading robot %s: %w", robot, err)
	}
	if r.Token == nil {
		return fmt.Errorf("quay did not show the token of robot %s to this API token", robot)
	}
	if err := registryclient.Push(base, robot, *r.Token, repo, tag); err != nil {
		return fmt.Errorf("pushing %s:%s as %s: %w", repo, tag, robot, err)
	}
	fmt.Printf("pushed %s:%s as robot %s\n", repo, tag, robot)
	return nil
}
