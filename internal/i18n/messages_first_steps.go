package i18n

// firstStepsMessages guide the first visitor of an empty atlas (see
// internal/web/home.go): no account yet, or accounts but no sheet.
var firstStepsMessages = map[string]map[string]string{
	"fr": {
		"home.first_title":      "Premiers pas",
		"home.first_no_account": "Cet atlas est tout neuf : il n'a encore ni fiche ni compte. Créez d'abord le compte d'administration, sur la machine où tourne l'atlas :",
		"home.first_password":   "La commande affiche un mot de passe. Connectez-vous avec, puis écrivez la première fiche ; depuis la page Administration, vous pourrez ensuite ouvrir des comptes aux autres contributeurs et contributrices.",
		"home.first_no_sheet":   "Cet atlas n'a encore aucune fiche. Connectez-vous, puis écrivez la première : un jardin partagé, une grainothèque, un tiers-lieu…",
		"home.first_write":      "Écrire la première fiche",
	},
	"en": {
		"home.first_title":      "First steps",
		"home.first_no_account": "This atlas is brand new: it has neither a sheet nor an account yet. First create the administration account, on the machine that runs the atlas:",
		"home.first_password":   "The command prints a password. Log in with it, then write the first sheet; from the Administration page you can then open accounts for the other contributors.",
		"home.first_no_sheet":   "This atlas has no sheet yet. Log in, then write the first one: a shared garden, a seed library, a third place…",
		"home.first_write":      "Write the first sheet",
	},
}

func init() {
	for lang, messages := range firstStepsMessages {
		for key, text := range messages {
			catalogues[lang][key] = text
		}
	}
}
