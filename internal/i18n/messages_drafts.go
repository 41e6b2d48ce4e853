package i18n

// draftMessages are the messages of drafts (the editor's autosave, its
// banner, and a text kept through login), in a file of their own so that
// the feature's keys stay together; they join the catalogues at start.
var draftMessages = map[string]map[string]string{
	"fr": {
		"login.kept":       "Votre session a pris fin ; connectez-vous pour enregistrer votre texte, il est conservé.",
		"login.kept_stale": "Ce formulaire a expiré ; confirmez votre mot de passe pour enregistrer votre texte, il est conservé.",
		"login.kept_show":  "Voir le texte conservé",
		"login.kept_copy":  "Rien n'est encore enregistré : après la connexion, vous retrouverez ce texte dans l'éditeur. Par précaution, vous pouvez aussi le copier.",

		"flash.draft_kept":      "Vous êtes connecté·e. Votre texte est revenu dans l'éditeur : relisez-le, puis enregistrez.",
		"flash.draft_discarded": "Le brouillon est supprimé.",

		"draft.offer_heading": "Vous avez un brouillon non enregistré",
		"draft.offer_explain": "Votre texte du %s n'est pas enregistré dans la fiche. Voici en quoi il diffère de la version actuelle :",
		"draft.offer_new":     "Votre texte du %s n'est pas encore une fiche. Voici ce qu'il change au modèle de départ :",
		"draft.offer_title":   "Titre du brouillon : « %s »",
		"draft.offer_summary": "Résumé de la modification : « %s »",
		"draft.offer_same":    "Le texte est le même ; seuls le titre, les informations pratiques ou le résumé diffèrent.",
		"draft.offer_moved":   "La fiche a changé depuis que vous avez commencé (vous partiez de la version %d) : à l'enregistrement, vos changements seront fusionnés avec ceux des autres, comme pour toute modification.",
		"draft.resume":        "Reprendre mon brouillon du %s",
		"draft.discard":       "Supprimer ce brouillon",
		"draft.resumed":       "Vous reprenez votre brouillon du %s. Relisez-le, puis enregistrez.",

		"draft.status_saved":   "Brouillon enregistré à %s.",
		"draft.status_local":   "Le serveur ne répond pas : votre texte est gardé dans ce navigateur.",
		"draft.status_expired": "Votre session a pris fin : votre texte est gardé dans ce navigateur. En enregistrant, vous pourrez vous reconnecter sans rien perdre.",
		"draft.status_full":    "Vous avez trop de brouillons pour en garder un de plus sur le serveur : votre texte est gardé dans ce navigateur.",
		"draft.status_changed": "Ce brouillon a été modifié dans un autre onglet : il n'est pas remplacé, votre texte est gardé dans ce navigateur. Rouvrez l'éditeur pour choisir lequel garder.",
		"draft.local_offer":    "Une copie plus récente de votre texte est restée dans ce navigateur (%s).",
		"draft.local_resume":   "Reprendre la copie de ce navigateur",
		"draft.local_discard":  "L'écarter",
	},
	"en": {
		"login.kept":       "Your session has ended; log in to save your text, it is kept.",
		"login.kept_stale": "This form has expired; confirm your password to save your text, it is kept.",
		"login.kept_show":  "Show the kept text",
		"login.kept_copy":  "Nothing is saved yet: once logged in, you will find this text in the editor. To be safe, you may also copy it.",

		"flash.draft_kept":      "You are logged in. Your text is back in the editor: read it over, then save.",
		"flash.draft_discarded": "The draft is deleted.",

		"draft.offer_heading": "You have an unsaved draft",
		"draft.offer_explain": "Your text of %s is not saved in the sheet. This is how it differs from the current version:",
		"draft.offer_new":     "Your text of %s is not a sheet yet. This is what it changes in the starting template:",
		"draft.offer_title":   "Title of the draft: “%s”",
		"draft.offer_summary": "Summary of the change: “%s”",
		"draft.offer_same":    "The text is the same; only the title, the practical information or the summary differ.",
		"draft.offer_moved":   "The sheet has changed since you started (you started from version %d): when you save, your changes will be merged with the others', as for any edit.",
		"draft.resume":        "Resume my draft of %s",
		"draft.discard":       "Delete this draft",
		"draft.resumed":       "You are resuming your draft of %s. Read it over, then save.",

		"draft.status_saved":   "Draft saved at %s.",
		"draft.status_local":   "The server does not answer: your text is kept in this browser.",
		"draft.status_expired": "Your session has ended: your text is kept in this browser. When you save, you can log in again without losing anything.",
		"draft.status_full":    "You have too many drafts to keep one more on the server: your text is kept in this browser.",
		"draft.status_changed": "This draft was changed in another tab: it is not replaced, your text is kept in this browser. Reopen the editor to choose which one to keep.",
		"draft.local_offer":    "A newer copy of your text was left in this browser (%s).",
		"draft.local_resume":   "Resume this browser's copy",
		"draft.local_discard":  "Set it aside",
	},
}

func init() {
	for lang, messages := range draftMessages {
		for key, msg := range messages {
			catalogues[lang][key] = msg
		}
	}
}
