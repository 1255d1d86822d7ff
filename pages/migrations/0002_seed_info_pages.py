"""The pages a French publisher must show (legal notice, privacy, cookies, contact, about
us), seeded with honest placeholders: every piece of information the owner must supply is
marked "À compléter par l'éditeur". Editors may write and add these pages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from articles.rendering import render_markdown

TODO = "**[À compléter par l'éditeur]**"
TODO_EN = "**[To be completed by the publisher]**"

NOTICE = (
    "> **À compléter par l'éditeur.** Cette page est un modèle : chaque mention entre crochets doit être "
    "remplacée par l'information exacte avant la mise en ligne du site."
)
NOTICE_EN = (
    "> **To be completed by the publisher.** This page is a template: every item in brackets must be "
    "replaced with the exact information before the site goes live."
)

PAGES = [
    {
        "slug": "mentions-legales",
        "position": 10,
        "title": "Mentions légales",
        "title_en": "Legal notice",
        "body": f"""{NOTICE}

## Éditeur

- Raison sociale : {TODO}
- Forme juridique et capital social : {TODO}
- Adresse du siège social : {TODO}
- Numéro d'immatriculation (RCS ou SIREN) : {TODO}
- Numéro de TVA intracommunautaire : {TODO}
- Téléphone et adresse électronique : {TODO}

## Directeur ou directrice de la publication

{TODO} (nom et qualité)

## Hébergeur

- Nom ou raison sociale : {TODO}
- Adresse : {TODO}
- Téléphone : {TODO}

## Contenus

Chaque article présenté sur Newsreader est crédité à son journal d'origine, qui en reste propriétaire.
Conditions de reprise convenues avec ces journaux : {TODO}
""",
        "body_en": f"""{NOTICE_EN}

## Publisher

- Company name: {TODO_EN}
- Legal form and share capital: {TODO_EN}
- Registered office: {TODO_EN}
- Registration number (RCS or SIREN): {TODO_EN}
- EU VAT number: {TODO_EN}
- Telephone and e-mail address: {TODO_EN}

## Director of publication

{TODO_EN} (name and title)

## Host

- Name or company name: {TODO_EN}
- Address: {TODO_EN}
- Telephone: {TODO_EN}

## Content

Each article on Newsreader is credited to its original newspaper, which remains its owner. Terms agreed with
these newspapers: {TODO_EN}
""",
    },
    {
        "slug": "politique-de-confidentialite",
        "position": 20,
        "title": "Politique de confidentialité",
        "title_en": "Privacy policy",
        "body": f"""{NOTICE}

## Responsable du traitement

{TODO} (identité et coordonnées de l'éditeur ; délégué à la protection des données, le cas échéant)

## Ce que nous conservons

- Pour votre compte : votre adresse électronique, le nom que vous affichez, votre mot de passe (chiffré),
  votre langue et vos préférences de notification ; vos clés d'accès et votre double authentification si
  vous les activez.
- Vos commentaires, vos recommandations et vos signalements.
- Votre abonnement, et les articles réservés que vous avez lus gratuitement dans le mois.

## Pourquoi

Pour vous permettre de vous connecter, de lire ce à quoi vous avez droit et de participer à la discussion.
Base légale et durées de conservation : {TODO}

## Vos droits

Vous pouvez télécharger vos données et supprimer votre compte depuis « Mon compte ». Pour exercer vos autres
droits (accès, rectification, opposition, limitation) : {TODO}. Vous pouvez adresser une réclamation à la
CNIL (cnil.fr).
""",
        "body_en": f"""{NOTICE_EN}

## Data controller

{TODO_EN} (identity and contact details of the publisher; data protection officer, if any)

## What we keep

- For your account: your e-mail address, the name you display, your password (hashed), your language and
  notification preferences; your passkeys and two-factor authentication if you turn them on.
- Your comments, recommendations and reports.
- Your subscription, and the subscriber-only articles you read free this month.

## Why

So that you can sign in, read what you are entitled to and take part in the discussion. Legal basis and
retention periods: {TODO_EN}

## Your rights

You can download your data and delete your account from "My account". To exercise your other rights (access,
rectification, objection, restriction): {TODO_EN}. You may lodge a complaint with the CNIL (cnil.fr).
""",
    },
    {
        "slug": "cookies",
        "position": 30,
        "title": "Cookies",
        "title_en": "Cookies",
        "body": f"""{NOTICE}

Newsreader n'utilise que les cookies nécessaires à son fonctionnement, qui ne demandent pas votre consentement :

- `sessionid` : vous garde connecté ;
- `csrftoken` : protège les formulaires contre les envois frauduleux ;
- `messages` : affiche une fois un message de confirmation.

Le site ne dépose aucun cookie de mesure d'audience ni de publicité. Si de tels services sont ajoutés, cette page
et le recueil de votre consentement devront l'être aussi : {TODO}
""",
        "body_en": f"""{NOTICE_EN}

Newsreader uses only the cookies it needs to work, which do not require your consent:

- `sessionid`: keeps you signed in;
- `csrftoken`: protects forms against forged submissions;
- `messages`: shows a confirmation message once.

The site sets no audience-measurement or advertising cookie. If such services are added, this page and the
collection of your consent must be added too: {TODO_EN}
""",
    },
    {
        "slug": "contact",
        "position": 40,
        "title": "Contact",
        "title_en": "Contact",
        "body": f"""{NOTICE}

- La rédaction : {TODO} (adresse électronique)
- Votre abonnement : {TODO} (adresse électronique ou formulaire)
- Par courrier : {TODO}

Pour un commentaire qui vous semble contraire aux règles, utilisez le lien « Signaler » sous ce commentaire :
la modération le verra.
""",
        "body_en": f"""{NOTICE_EN}

- The newsroom: {TODO_EN} (e-mail address)
- Your subscription: {TODO_EN} (e-mail address or form)
- By post: {TODO_EN}

If a comment seems to break the rules, use the "Report" link under it: the moderators will see it.
""",
    },
    {
        "slug": "qui-sommes-nous",
        "position": 50,
        "title": "Qui sommes-nous",
        "title_en": "About us",
        "body": f"""{NOTICE}

Newsreader republie des articles de journaux partenaires : chaque article est crédité à sa source. Certains
sont réservés aux abonnés ; tous peuvent être discutés par nos lecteurs inscrits.

L'équipe, l'histoire du titre et ses engagements éditoriaux : {TODO}
""",
        "body_en": f"""{NOTICE_EN}

Newsreader republishes articles from partner newspapers: each one is credited to its source. Some are for
subscribers; all can be discussed by our registered readers.

The team, the title's history and its editorial commitments: {TODO_EN}
""",
    },
]

EDITORS = ["add_infopage", "change_infopage", "delete_infopage", "view_infopage"]


def seed(apps, schema_editor):
    InfoPage = apps.get_model("pages", "InfoPage")
    for page in PAGES:
        InfoPage.objects.get_or_create(
            slug=page["slug"],
            defaults={
                **page,
                "body_html": render_markdown(page["body"]),
                "body_en_html": render_markdown(page["body_en"]),
            },
        )
    app_config = apps.get_app_config("pages")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*Permission.objects.filter(content_type__app_label="pages", codename__in=EDITORS))


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_info_pages"), ("accounts", "0002_newsroom_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
