"""Built-in French vocabulary of local-life themes, used to sort citizen ideas.

Each preset has a stable ``slug`` (safe to store), a French and an English label, a CSS colour name
for the board, and a list of ``keywords``. Keywords are plain French words or short phrases written
the way people write them: with and without accents, in the singular, with common misspellings and
SMS spellings. The matcher in ``deliberation.clustering`` folds case and accents and applies the
French Snowball stemmer, so "vélos", "velo" and "Vélo" all match "vélo". A keyword ending in ``*``
is a prefix ("cycl*" matches "cyclable", "cyclistes", "cyclabe"). A phrase matches only when all
its words occur in the idea.

The lists were written from general knowledge of municipal and associative life, not from any
particular set of ideas; keep it that way when extending them (see docs/clustering.md).

Pure data and two lookup helpers: no Django import, cheap to import.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class ThemePreset:
    slug: str
    label_fr: str
    label_en: str
    color: str
    keywords: tuple[str, ...]


def _kw(text: str) -> tuple[str, ...]:
    """Split a comma-separated keyword block into a tuple (keeps the preset table readable)."""
    return tuple(k.strip() for k in text.replace("\n", " ").split(",") if k.strip())


PRESETS: tuple[ThemePreset, ...] = (
    ThemePreset(
        slug="mobilite",
        label_fr="Mobilité",
        label_en="Mobility",
        color="steelblue",
        keywords=_kw(
            """
            mobilité, mobilite, transport*, déplacement, déplacer, se déplacer, vélo, velo, vélos,
            bicyclette, cycl*, piste cyclable, voie verte, trottinette, vélo électrique, VAE,
            bus, autobus, autocar, car scolaire, navette, ligne de bus, arrêt de bus, abribus,
            train, TER, gare, tram, métro, covoiturage, covoit, autopartage, auto-partage,
            voiture, voitures, auto, automobile, conduire, conducteur, permis, stationnement,
            stationner, parking, garer, se garer, place de parking, circulation, circuler,
            trafic, embouteillage, bouchon, route, routes, rue piétonne, piéton, piétons,
            piétonne, piétonnier, marcher, à pied, pédibus, vélobus, trottoir, trottoirs,
            passage piéton, zone 30, 30 km/h, vitesse, limitation de vitesse, rouler, camion,
            camions, poids lourds, horaires, trajet, trajets, itinéraire, desserte, desservir,
            relier, transport à la demande, TAD, mobilité douce, borne de recharge, recharge,
            voiture électrique, essence, carburant, rond-point, carrefour, pistes, cyclabe,
            cyclabes, velos, bécane, stop, auto-stop, autostop, taxi, correspondance,
            abonnement, ticket, billet, poussette, accessibilité transport
            """
        ),
    ),
    ThemePreset(
        slug="alimentation",
        label_fr="Alimentation",
        label_en="Food",
        color="olivedrab",
        keywords=_kw(
            """
            alimentation, aliment*, alimentaire, nourriture, nourrir, manger, repas, cuisine,
            cuisiner, recette, recettes, cantine, restauration scolaire, restaurant scolaire,
            menu, menus, végétarien, vegetarien, végé, vegan, bio, biologique, produits
            locaux, producteur, producteurs, maraîcher, maraicher, maraîchage, agriculteur,
            agriculteurs, agriculture, paysan, paysans, ferme, fermier, fermière, circuit court,
            circuits courts, vente directe, AMAP, panier, paniers, marché, marche de producteurs,
            halle, épicerie, epicerie, épicerie solidaire, épicier, vrac, supermarché,
            boulangerie, boulanger, pain, boucherie, fromage, légume, légumes, legume, legumes,
            fruit, fruits, verger, vergers, potager, potagers, jardin partagé, jardins partagés,
            jardin, jardins familiaux, jardinage, semis, graine, graines, cueillette, récolte,
            récoltes, conserve, conserves, confiture, confitures, gaspillage alimentaire,
            gaspillage, invendu, invendus, frigo solidaire, frigo, banque alimentaire, colis
            alimentaire, restos du coeur, aide alimentaire, sucre, gras, sel, équilibre
            alimentaire, nutrition, nutritionniste, diététique, goûter, petit déjeuner, saison,
            de saison, manger sain, malbouffe, faim, cuisine collective, four à pain, glanage,
            bouffe, miam, bon produits, viande, poisson, lait, oeufs, œufs, céréales, farine
            """
        ),
    ),
    ThemePreset(
        slug="sante",
        label_fr="Santé",
        label_en="Health",
        color="crimson",
        keywords=_kw(
            """
            santé, sante, soin, soins, soigner, médecin, medecin, médecins, médecine,
            généraliste, generaliste, docteur, toubib, spécialiste, désert médical, maison de
            santé, centre de santé, pluridisciplinaire, cabinet médical, hôpital, hopital,
            urgences, clinique, infirmier, infirmière, infirmiers, infirmiere, kiné,
            kinésithérapeute, kine, dentiste, ophtalmo, ophtalmologue, sage-femme, pédiatre,
            psychologue, psy, psychiatre, santé mentale, dépression, déprime, stress, anxiété,
            burn-out, sommeil, fatigue, pharmacie, pharmacien, médicament, médicaments,
            ordonnance, téléconsultation, teleconsultation, rendez-vous, rdv, consultation,
            dépistage, depistage, prévention, vaccin, vaccination, grippe, covid, maladie,
            malade, malades, diabète, tension, cancer, handicap, handicapé, handicapés,
            personnes handicapées, aidant, aidants, aidants familiaux, addiction, alcool, drogue,
            drogues, tabac, tabagisme, premiers secours, gestes qui sauvent, secourisme,
            défibrillateur, defibrillateur, ambulance, pompiers, sport santé, sport sur
            ordonnance, activité physique adaptée, bien-être, bien être, yoga, relaxation,
            méditation, sophrologie, marche santé, bilan de santé, mutuelle, ehpad,
            maintien à domicile, soins à domicile, à domicile, guérir, douleur, mal de dos
            """
        ),
    ),
    ThemePreset(
        slug="logement",
        label_fr="Logement",
        label_en="Housing",
        color="sienna",
        keywords=_kw(
            """
            logement, logements, loger, se loger, relogement, habitat, habitation, habiter,
            habitant logement, maison, maisons, appartement, appartements, appart, apparts,
            studio, T2, T3, immeuble, résidence, résidences secondaires, résidence secondaire,
            loyer, loyers, louer, location, locataire, locataires, propriétaire,
            propriétaires, bailleur, HLM, logement social, logements sociaux, logement
            d'urgence, hébergement, héberger, foyer, foyer jeunes travailleurs, FJT,
            colocation, coloc, habitat partagé, habitat participatif, habitat
            intergénérationnel, habitat léger, tiny house, tiny houses, yourte, mobil-home,
            logement vacant, logements vides, vacant, vacance, insalubre, insalubrité,
            marchand de sommeil, marchands de sommeil, rénovation, rénover, renover,
            réhabilitation, réhabiliter, travaux, isolation, isoler, passoire thermique,
            précarité énergétique, accession, primo-accédant, acheter une maison, achat
            immobilier, immobilier, agence immobilière, prêt immobilier, construction,
            construire, lotissement, éco-quartier, ecoquartier, terrain à bâtir, permis de
            construire, logement adapté, adapter son logement, expulsion, sans-abri, SDF,
            sans domicile, mal-logement, saisonniers, étudiants logement, chambre, chambre chez
            l'habitant, cité, quartier résidentiel, bail, caution, APL, squat
            """
        ),
    ),
    ThemePreset(
        slug="environnement-energie",
        label_fr="Environnement et énergie",
        label_en="Environment and energy",
        color="forestgreen",
        keywords=_kw(
            """
            environnement, écologie, ecologie, écologique, nature, biodiversité, biodiversite,
            planète, climat, climatique, changement climatique, réchauffement, pollution,
            polluer, pollué, énergie, energie, énergies renouvelables, renouvelable,
            renouvelables, solaire, panneaux solaires, panneau solaire, photovoltaïque,
            photovoltaique, éolienne, éoliennes, eolienne, méthanisation, géothermie,
            chaufferie, chaufferie bois, bois énergie, chauffage, économie d'énergie, économies
            d'énergie, économiser, sobriété, consommation, électricité, isolation thermique,
            thermique, éclairage public, éteindre, extinction, lampadaires la nuit, déchet,
            déchets, dechets, poubelle de tri, tri, trier, tri sélectif, recyclage, recycler,
            compost, composteur, compostage, zéro déchet, zero dechet, plastique, emballage,
            emballages, réemploi, réutiliser, ressourcerie, recyclerie, repair café, réparer,
            réparation, seconde main, déchetterie, dépôt sauvage, déchets sauvages, ramassage,
            nettoyage nature, eau, eaux, pluie, eau de pluie, récupérateur, arrosage, arroser,
            sécheresse, rivière, rivières, ruisseau, étang, zone humide, zones humides, mare,
            arbre, arbres, planter, plantation, haie, haies, forêt, foret, bois, verger
            conservatoire, fleur, fleurs, prairie, fauche, tondre, tonte, pesticide,
            pesticides, glyphosate, zéro phyto, insecte, insectes, abeille, abeilles, ruche,
            oiseaux, nichoir, nichoirs, hérisson, faune, flore, espèces, sensibiliser,
            coopérative énergie, transition écologique, transition énergétique, carbone, CO2,
            gaz à effet de serre, durable, développement durable
            """
        ),
    ),
    ThemePreset(
        slug="culture-fete",
        label_fr="Culture et fête",
        label_en="Culture and festivities",
        color="darkorchid",
        keywords=_kw(
            """
            culture, culturel, culturelle, fête, fete, fêtes, fetes, festival, festivals,
            festivité, festif, concert, concerts, musique, musical, musiciens, groupe de
            musique, chanson, chant, chorale, chorales, orchestre, fanfare, harmonie, bal, bals,
            danse, danser, guinguette, karaoké, karaoke, DJ, soirée, soirées, spectacle,
            spectacles, spectacle vivant, théâtre, theatre, cirque, arts de rue, arts de la rue,
            spectacles de rue, conte, contes, conteur, cinéma, cinema, ciné, film, films,
            projection, plein air, exposition, expo, expos, musée, galerie, artiste, artistes,
            art, arts, peinture, dessin, sculpture, poterie, photo, photographie, atelier
            créatif, bibliothèque, bibliotheque, médiathèque, mediatheque, livre, livres,
            lecture, boîte à livres, boite a livres, poésie, écrivain, patrimoine, histoire
            locale, visite guidée, visites guidées, monument, église, château, carnaval,
            kermesse, fête des voisins, fête de la musique, 14 juillet, feu d'artifice,
            marché de Noël, Noël, noel, animation, animations, scène, scène ouverte, salle de
            spectacle, salle de concert, résidence d'artistes, artistique, amateur, amateurs,
            troupe, répétition, programmation, billetterie, saison culturelle, folklore,
            tradition, traditions
            """
        ),
    ),
    ThemePreset(
        slug="jeunesse-education",
        label_fr="Jeunesse et éducation",
        label_en="Youth and education",
        color="darkorange",
        keywords=_kw(
            """
            jeunesse, jeune, jeunes, ado, ados, adolescent, adolescents, adolescence, enfant,
            enfants, gamin, gamins, gosses, bébé, bébés, petite enfance, crèche, creche,
            halte-garderie, garderie, garde d'enfants, assistante maternelle, assistantes
            maternelles, nounou, baby-sitting, babysitting, école, ecole, écoles, maternelle,
            primaire, collège, college, collégien, collégiens, lycée, lycee, lycéen, lycéens,
            étudiant, étudiants, etudiant, scolaire, élève, élèves, eleve, professeur, prof,
            profs, enseignant, enseignants, instituteur, éducation, education, éducatif,
            pédagogique, apprendre, apprentissage scolaire, devoirs, aide aux devoirs, soutien
            scolaire, cours particuliers, décrochage, décrochage scolaire, harcèlement,
            harcelement, périscolaire, periscolaire, centre de loisirs, accueil de loisirs,
            colonie, colo, vacances, mercredi, animateur, animateurs, MJC, maison des jeunes,
            local jeunes, foyer des jeunes, point jeunes, skatepark, skate, city stade,
            citystade, terrain de foot, foot, ludothèque, ludotheque, jeux, parents,
            parentalité, conseil municipal des jeunes, conseil des jeunes,
            BAFA, service civique, orientation, stage, stages, permis de conduire, bourse,
            s'ennuie, ennui, occuper
            """
        ),
    ),
    ThemePreset(
        slug="inclusion-numerique",
        label_fr="Inclusion numérique",
        label_en="Digital inclusion",
        color="teal",
        keywords=_kw(
            """
            numérique, numerique, digital, informatique, informatiques, ordinateur,
            ordinateurs, ordi, ordis, PC, portable, tablette, tablettes, smartphone,
            smartphones, téléphone, telephone, portable, mobile, appli, application,
            applications, internet, web, site, site internet, en ligne, ligne, wifi, wi-fi,
            fibre, fibre optique, haut débit, débit, réseau, 4G, 5G, connexion, connecté,
            zone blanche, email, e-mail, mail, mails, courriel, visio, visioconférence,
            logiciel, clavier, souris, imprimante, scanner, scanne, numériser, démarche,
            démarches, démarches en ligne, démarches administratives, dématérialisation,
            administration, papiers, papiers administratifs, formulaire, impôts, impots, CAF,
            Pôle emploi, France Travail, Ameli, France Services, maison France Services,
            conseiller numérique, médiateur numérique, espace public numérique, EPN, fracture
            numérique, illettrisme numérique, illectronisme, tutoriel, tutoriels, tuto, vidéo,
            arnaque, arnaques, cybersécurité, mot de passe, écran, écrans, ecrans, réseaux
            sociaux, facebook, whatsapp, reconditionné, reconditionnés, informatique seniors,
            geek, codage, coder, programmation informatique
            """
        ),
    ),
    ThemePreset(
        slug="emploi-economie-locale",
        label_fr="Emploi et économie locale",
        label_en="Jobs and local economy",
        color="goldenrod",
        keywords=_kw(
            """
            emploi, emplois, travail, travailler, job, jobs, boulot, métier, métiers, metier,
            recrutement, recruter, recrutent, embauche, embaucher, chômage, chomage, chômeur,
            chômeurs, demandeur d'emploi, demandeurs d'emploi, France Travail, Pôle emploi,
            mission locale, insertion, entreprise d'insertion, chantier d'insertion,
            formation professionnelle, reconversion, apprentissage, apprenti,
            alternance, stage, CV, entretien d'embauche, salaire, salarié, entreprise,
            entreprises, entrepreneur, entrepreneuriat, créer son entreprise, création
            d'entreprise, start-up, auto-entrepreneur, pépinière, pépinière d'entreprises,
            incubateur, coworking, co-working, tiers-lieu, tiers lieu, fablab, atelier
            partagé, artisan, artisans, artisanat, savoir-faire, commerce, commerces,
            commerçant, commerçants, commercant, boutique, boutiques, magasin, magasins,
            boutique éphémère, vitrine, vitrines, local commercial, loyers commerciaux,
            centre-bourg commerces, dernier commerce, bar, restaurant, café restaurant,
            multiservices, économie, economie, économique, économie locale, économie sociale
            et solidaire, ESS, monnaie locale, acheter local, consommer local, achat local,
            fidélité, tourisme, touristes, touristique, industrie, usine, zone d'activité,
            zone artisanale, agriculture emploi, groupement d'employeurs, coopérative, SCOP,
            marché hebdomadaire, foire, salon, forum emploi, forum de l'emploi, job d'été,
            jobs d'été, saisonnier, revenu, attractivité, dynamiser, annuaire
            """
        ),
    ),
    ThemePreset(
        slug="espace-public-securite",
        label_fr="Espace public et sécurité",
        label_en="Public space and safety",
        color="slategray",
        keywords=_kw(
            """
            espace public, espaces publics, sécurité, securite, sécuriser, securiser,
            insécurité, danger, dangereux, peur, police, policier, policiers, police
            municipale, gendarmerie, gendarme, gendarmes, vidéosurveillance,
            vidéo-protection, caméra, caméras, camera, surveillance, voisins vigilants,
            vigilance, délinquance, incivilité, incivilités, vandalisme, dégradation, tag,
            tags, graffiti, cambriolage, vol, vols, agression, bagarre, médiateur, médiateurs,
            médiation, conflit, conflits, tranquillité, calme, bruit, nuisance, nuisances,
            tapage, rodéo, éclairage, eclairage, lampadaire, lampadaires, lumière, place,
            placette, square, parc, parcs, jardin public, espaces verts, banc, bancs, assis,
            s'asseoir, table de pique-nique, pique-nique, toilettes, toilettes publiques, WC,
            sanisette, fontaine, point d'eau, ombre, ombragé, kiosque, abri, aire de jeux, jeux
            pour enfants, pétanque, boulodrome, poubelle, poubelles, propreté, propre, sale,
            saleté, crotte, crottes, crottes de chien, déjections, canisite, cendrier,
            cendriers, mégots, entretien, entretenir, voirie, nids de poule, chaussée,
            ralentisseur, ralentisseurs, dos d'âne, carrefour dangereux, sécurité routière,
            accessibilité, accessible, accessibles, PMR, fauteuil, fauteuil roulant, mobilier
            urbain, aménagement, aménager, réaménager, embellir, fleurissement, rue, rues
            """
        ),
    ),
    ThemePreset(
        slug="lien-social",
        label_fr="Lien social",
        label_en="Social ties",
        color="palevioletred",
        keywords=_kw(
            """
            lien social, liens, lien, vivre ensemble, convivialité, convivial, conviviale,
            rencontre, rencontres, rencontrer, se rencontrer, se retrouver, partage, partager,
            voisin, voisins, voisinage, fête des voisins, entraide, s'entraider, entraider,
            solidarité, solidaire, bénévole, bénévoles, bénévolat, benevolat, association,
            associations, associatif, associative, asso, assos, maison des associations, forum
            des associations, café associatif, café solidaire, tiers-lieu convivial, maison pour
            tous, centre social, espace de vie sociale, foyer rural, salle des fêtes, isolement,
            isolé, isolés, isolée, isolées, solitude, seul, seule, seuls, personnes seules,
            personnes âgées, personnes agees, anciens, aînés, seniors, senior, retraités, visite,
            visites, visiter, appeler, téléphoner, canicule, intergénérationnel,
            intergénérationnelle, intergénérationnels, intergeneration*, générations, accueil,
            accueillir, nouveaux arrivants, nouveaux habitants, parrainage, parrainages,
            migrants, réfugiés, réfugié, étrangers, exilés, intégration, discussion, discuter,
            parler, échange, échanges, échanger, troc, SEL, savoirs, petits services, coup de
            main, vie de quartier, repas partagé, auberge espagnole, pique-nique géant, jeux de
            société, tricot, couture, club, clubs, amitié, mamans, papas, femmes, inclusion,
            diversité, tolérance, respect
            """
        ),
    ),
    ThemePreset(
        slug="sport-loisirs",
        label_fr="Sport et loisirs",
        label_en="Sport and leisure",
        color="royalblue",
        keywords=_kw(
            """
            sport, sports, sportif, sportive, club de sport, gymnase, salle de sport, stade,
            terrain, piscine, natation, nager, baignade, foot, football, rugby, basket,
            handball, volley, tennis, ping-pong, badminton, judo, karaté, boxe, gym,
            gymnastique, fitness, musculation, course à pied, courir, jogging, running,
            randonnée, rando, randonnées, sentier, sentiers, balade, balades, promenade, VTT,
            escalade, pêche, chasse, équitation, loisir, loisirs, détente, parcours santé,
            agrès, street workout, tournoi, compétition, match, licence, pétanque, boules
            """
        ),
    ),
    ThemePreset(
        slug="democratie-locale",
        label_fr="Démocratie locale",
        label_en="Local democracy",
        color="indigo",
        keywords=_kw(
            """
            démocratie, democratie, participation, participatif, participative, citoyen,
            citoyens, citoyenne, citoyenneté, conseil municipal, conseil de quartier, comité
            de quartier, élus, élu, maire, mairie, municipalité, commune, intercommunalité,
            communauté de communes, budget participatif, consultation, concertation,
            référendum, vote, voter, élection, élections, débat, débats, réunion publique,
            transparence, information, informer, bulletin municipal, compte-rendu, décision,
            décider, écouter, écoute, doléances, pétition, assemblée, délibération
            """
        ),
    ),
    ThemePreset(
        slug="tourisme-patrimoine",
        label_fr="Tourisme et patrimoine",
        label_en="Tourism and heritage",
        color="peru",
        keywords=_kw(
            """
            tourisme, touriste, touristes, touristique, office de tourisme, gîte, gîtes,
            chambre d'hôtes, camping, camping-car, aire de camping-car, hôtel, hébergement
            touristique, visiteurs, patrimoine, monument, monuments, château, église,
            chapelle, lavoir, moulin, vieilles pierres, histoire, historique, musée, circuit,
            circuits, parcours découverte, signalétique, panneau, panneaux, plan du village,
            balisage, vue, panorama, attractivité touristique, saison touristique
            """
        ),
    ),
)

_BY_SLUG = {p.slug: p for p in PRESETS}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _name_words(name: str) -> list[str]:
    words = "".join(c if c.isalnum() else " " for c in _fold(name)).split()
    return [w for w in words if w not in {"et", "and", "la", "le", "les", "l"}]


def preset_by_slug(slug: str) -> ThemePreset | None:
    return _BY_SLUG.get(slug)


def find_preset(name: str) -> ThemePreset | None:
    """The preset a facilitator most likely meant by typing ``name``, or None.

    Matches the slug or either label, ignoring case, accents and punctuation, then falls back to
    "the typed name is the first word of a label" ("santé" → Santé, "culture" → Culture et fête,
    "environnement" → Environnement et énergie). Anything else is a custom theme.
    """
    key = _name_words(name)
    if not key:
        return None
    for preset in PRESETS:
        names = (preset.slug.replace("-", " "), preset.label_fr, preset.label_en)
        if key in [_name_words(n) for n in names]:
            return preset
    if len(key) == 1:
        for preset in PRESETS:
            for label in (preset.label_fr, preset.label_en):
                if _name_words(label)[0] == key[0]:
                    return preset
    return None
