// Command hello is the yardstick of the benchmarks: a plain Fiber handler
// answering "Hello", measured in the same run as the atlas, pinned the same
// way. Every atlas figure is reported as a ratio to its throughput. With
// -page FILE it also answers /page with that file's bytes, sent as they
// are: the ceiling of serving a page of that size.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8181", "listen address (loopback only)")
	page := flag.String("page", "", "a file /page answers with")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("Hello") })
	if *page != "" {
		body, err := os.ReadFile(*page)
		if err != nil {
			log.Fatal(err)
		}
		app.Get("/page", func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.Send(body)
		})
	}
	log.Fatal(app.Listen(*addr))
}
