package i18n

// cliMessages are what `atlas serve` tells the person who started it.
var cliMessages = map[string]map[string]string{
	"fr": {
		"serve.open": "Atlas des communs : ouvrez %s dans un navigateur (Ctrl-C pour arrêter)",
	},
	"en": {
		"serve.open": "Atlas des communs: open %s in a browser (Ctrl-C to stop)",
	},
}

func init() {
	for lang, messages := range cliMessages {
		for key, text := range messages {
			catalogues[lang][key] = text
		}
	}
}
