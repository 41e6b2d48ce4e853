package i18n

// keptMessages are the messages of a text kept through login that could
// not become a draft (see internal/web/login_kept.go).
var keptMessages = map[string]map[string]string{
	"fr": {
		"flash.kept_unstored": "Vous êtes connecté·e. Voici le texte que vous veniez d'envoyer ; il n'est pas encore enregistré : relisez-le, puis enregistrez. Vos brouillons sont restés tels quels.",
		"login.kept_lost":     "Vous êtes connecté·e, mais votre texte n'a pas pu être rouvert dans l'éditeur (la fiche a peut-être été renommée ou la proposition close). Le voici : copiez-le avant de quitter cette page.",
	},
	"en": {
		"flash.kept_unstored": "You are logged in. Here is the text you had just sent; it is not saved yet: read it over, then save. Your drafts are left as they were.",
		"login.kept_lost":     "You are logged in, but your text could not be reopened in the editor (the sheet may have been renamed or the proposal closed). Here it is: copy it before leaving this page.",
	},
}

func init() {
	for lang, messages := range keptMessages {
		for key, text := range messages {
			catalogues[lang][key] = text
		}
	}
}
