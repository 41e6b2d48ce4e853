// Command hello is the yardstick of the benchmarks: a plain Fiber handler
// answering "Hello", measured in the same run as the atlas, pinned the same
// way. Every atlas figure is reported as a ratio to its throughput.
package main

import (
	"flag"
	"log"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8181", "listen address (loopback only)")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("Hello") })
	log.Fatal(app.Listen(*addr))
}
