// Package demo loads a small invented atlas so a newcomer sees it living at
// once: sheets of the Pays de Brest with places and categories, several
// revisions, a board and one validated submission. Every text here is
// invented for the demo.
package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// Account is a demo login, printed for the person who loaded the demo.
type Account struct {
	Username, Password, Role string
}

// ErrLoaded refuses to load the demo twice.
var ErrLoaded = errors.New("demo: the demo sheets are already there")

type demoSheet struct {
	title    string
	meta     model.Meta
	versions []string // successive bodies
}

var sheets = []demoSheet{
	{
		title: "Jardin partagé du Bas de Kerinou",
		meta: model.Meta{Subtitle: "Un potager collectif au pied des immeubles", Categories: []string{"jardins-nature", "alimentation"},
			Tags: []string{"potager", "compost"}, Place: &model.Place{Name: "Bas de Kerinou", Address: "rue de Kerinou, Brest", Lat: 48.4075, Lon: -4.4783},
			LegalStatus: "collectif d'habitant·es", Contact: "jardin.kerinou@example.org"},
		versions: []string{
			"## En préambule\n\nFiche commencée lors d'un apéro de quartier, à compléter.\n\n## La communauté\n\n### Qui sont les membres ?\n\nUne quinzaine de foyers du quartier.\n\n## Les ressources\n\n- Huit bacs de culture\n- Un composteur\n",
			"## En préambule\n\nFiche commencée lors d'un apéro de quartier, relue avec le collectif.\n\n## La communauté\n\n### Qui sont les membres ?\n\nUne vingtaine de foyers du quartier et l'école voisine.\n\n### Ouvert à qui ?\n\nÀ toute personne du quartier, sans adhésion.\n\n## Les ressources\n\n- Huit bacs de culture\n- Deux composteurs\n- Une réserve d'eau de pluie\n\n## La gouvernance\n\nUne réunion ouverte le premier samedi du mois ; les décisions se prennent au consentement[^1].\n\n[^1]: Une proposition passe si personne n'y oppose d'objection grave.\n",
		},
	},
	{
		title: "Grainothèque de la médiathèque",
		meta: model.Meta{Subtitle: "Des semences libres à emprunter et à rendre", Categories: []string{"semences", "savoirs"},
			Tags: []string{"graines", "biodiversité"}, Place: &model.Place{Name: "Médiathèque de quartier", Address: "Saint-Marc, Brest", Lat: 48.3921, Lon: -4.4547}},
		versions: []string{
			"## La communauté\n\nDes jardinières et jardiniers amateurs, des bibliothécaires.\n\n## Les ressources\n\nUne boîte à graines en libre accès, classée par familles de plantes.\n",
			"## La communauté\n\nDes jardinières et jardiniers amateurs, des bibliothécaires et une association de semences paysannes.\n\n## Les ressources\n\nUne boîte à graines en libre accès, classée par familles de plantes.\n\n| Famille | Exemples |\n|---|---|\n| Solanacées | tomates, piments |\n| Cucurbitacées | courges |\n\n## Le partage\n\nDes ateliers de récolte de graines à l'automne.\n",
			"## La communauté\n\nDes jardinières et jardiniers amateurs, des bibliothécaires et une association de semences paysannes.\n\n## Les ressources\n\nUne boîte à graines en libre accès, classée par familles de plantes.\n\n| Famille | Exemples |\n|---|---|\n| Solanacées | tomates, piments |\n| Cucurbitacées | courges, potimarrons |\n\n## Le partage\n\nDes ateliers de récolte de graines à l'automne, ouverts à toutes et tous.\n",
		},
	},
	{
		title: "Bricothèque de Recouvrance",
		meta: model.Meta{Subtitle: "Prêter les outils plutôt que les acheter", Categories: []string{"reemploi", "tiers-lieux"},
			Tags: []string{"outils", "réparation"}, Place: &model.Place{Name: "Local associatif", Address: "Recouvrance, Brest", Lat: 48.3862, Lon: -4.4995}},
		versions: []string{
			"## Les ressources\n\nPerceuses, scies, escabeaux : près de deux cents outils donnés par les habitant·es.\n\n## La gouvernance\n\nUne permanence le mercredi soir, tenue à tour de rôle.\n",
		},
	},
	{
		title: "Cartopartie du Pays de Brest",
		meta: model.Meta{Subtitle: "Cartographier ensemble les lieux utiles", Categories: []string{"cartes-donnees", "numerique"},
			Tags: []string{"OpenStreetMap", "données ouvertes"}, Website: "https://example.org/cartopartie"},
		versions: []string{
			"## En préambule\n\nUn commun sans lieu fixe : les cartoparties se tiennent partout sur le territoire.\n\n## Les ressources\n\nLes données produites sont versées dans une base cartographique ouverte, sous licence libre.\n",
			"## En préambule\n\nUn commun sans lieu fixe : les cartoparties se tiennent partout sur le territoire.\n\n## Les ressources\n\nLes données produites sont versées dans une base cartographique ouverte, sous licence libre.\n\n## Le partage\n\nUn guide pas à pas permet à d'autres collectifs d'organiser leur propre cartopartie.\n",
		},
	},
}

// Load writes the demo atlas and returns the accounts it made.
func Load(ctx context.Context, st *store.Store, authSvc *auth.Service, sheetSvc *sheet.Service, reviews *review.Service) ([]Account, error) {
	if _, err := st.SheetBySlug(ctx, "jardin-partage-du-bas-de-kerinou"); err == nil {
		return nil, ErrLoaded
	}
	people := []Account{{"demo-admin", "", model.RoleAdmin}, {"nolwenn", "", model.RoleContributor}, {"gwenael", "", model.RoleContributor},
		{"soazig", "", model.RoleContributor}, {"yannick", "", model.RoleContributor}}
	users := map[string]*model.User{}
	for i := range people {
		people[i].Password = auth.NewToken()[:16]
		u, err := authSvc.CreateUser(ctx, auth.NewUser{Username: people[i].Username, Email: people[i].Username + "@demo.invalid",
			DisplayName: strings.ToUpper(people[i].Username[:1]) + people[i].Username[1:], Role: people[i].Role, Password: people[i].Password})
		if err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", people[i].Username, err)
		}
		users[u.Username] = u
	}
	writers := []*model.User{users["nolwenn"], users["gwenael"], users["soazig"]}
	for i, s := range sheets {
		meta := s.meta
		sh, _, err := sheetSvc.Create(ctx, writers[i%len(writers)], sheet.CreateInput{Title: s.title, Body: s.versions[0], Meta: &meta, Summary: "Première version"})
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", s.title, err)
		}
		for n, body := range s.versions[1:] {
			if _, err := sheetSvc.Save(ctx, writers[(i+n+1)%len(writers)], sh.Slug, sheet.SaveInput{Base: n + 1, Title: s.title, Body: body, Meta: &meta, Summary: "Compléments après la rencontre"}); err != nil {
				return nil, fmt.Errorf("demo: %s: %w", s.title, err)
			}
		}
	}
	// The garden's board validates its sheet, 2 votes of 3.
	slug := "jardin-partage-du-bas-de-kerinou"
	if _, err := reviews.SetBoard(ctx, users["demo-admin"], slug, []string{"gwenael", "soazig", "yannick"}); err != nil {
		return nil, err
	}
	r, err := reviews.Submit(ctx, users["nolwenn"], slug, 2, "Version relue avec le collectif, pour amendement et validation.")
	if err != nil {
		return nil, err
	}
	for _, voter := range []string{"soazig", "yannick"} {
		if _, err := reviews.Vote(ctx, users[voter], r.ID, review.ChoiceApprove, 2, "D'accord."); err != nil {
			return nil, err
		}
	}
	if _, err := sheetSvc.Comment(ctx, users["yannick"], "grainotheque-de-la-mediatheque", sheet.CommentInput{Body: "Faut-il indiquer les horaires d'ouverture ?"}); err != nil {
		return nil, err
	}
	return people, nil
}
