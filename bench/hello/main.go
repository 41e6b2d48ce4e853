// Command hello is the yardstick of the benchmarks: a plain Fiber handler
// answering "Hello", measured in the same run as the atlas, pinned the same
// way. Every atlas figure is reported as a ratio to its throughput. Each
// -page FILE (the flag repeats) is also answered, as its bytes are, at
// /page/1, /page/2…: the ceiling of serving a page of that size, with
// -write-buffer set to the atlas's own (64 KB) so the ceiling is one.
package main

import (
	"flag"
	"log"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8181", "listen address (loopback only)")
	var pages [][]byte
	flag.Func("page", "a file answered at /page/N, N counting the flags from 1", func(path string) error {
		body, err := os.ReadFile(path)
		pages = append(pages, body)
		return err
	})
	writeBuffer := flag.Int("write-buffer", 0, "bytes of each connection's write buffer (0: Fiber's default)")
	flag.Parse()
	app := fiber.New(fiber.Config{DisableStartupMessage: true, WriteBufferSize: *writeBuffer})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("Hello") })
	for i, body := range pages {
		app.Get("/page/"+strconv.Itoa(i+1), func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.Send(body)
		})
	}
	log.Fatal(app.Listen(*addr))
}
