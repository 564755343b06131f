"""The OpenAPI description is valid, and every endpoint answers what it describes."""

import yaml
from django.test import TestCase
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS30Validator

from tests.events.helpers import correct
from tests.public.helpers import build_record


class SchemaTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.r = build_record()
        cls.correction = correct(cls.r.battle, cls.r, "At night.", summary="At night.")

    def schema(self):
        response = self.client.get("/api/v1/schema/")
        self.assertEqual(response.status_code, 200)
        return yaml.safe_load(response.content)

    def test_the_schema_is_valid_openapi_3(self):
        schema = self.schema()
        self.assertTrue(schema["openapi"].startswith("3."))
        validate_schema(schema)

    def test_the_schema_describes_every_resource(self):
        paths = set(self.schema()["paths"])
        for name in ("events", "claims", "citations", "sources", "actors", "places", "corrections"):
            self.assertIn(f"/api/v1/{name}/", paths)
            self.assertIn(f"/api/v1/{name}/{{id}}/", paths)

    def test_every_endpoint_answers_as_its_schema_says(self):
        schema = self.schema()
        ids = {
            "events": self.r.strike.pk,
            "claims": self.r.medical_claim.pk,
            "citations": self.r.rfi_report.pk,
            "sources": self.r.statement.pk,
            "actors": self.r.mnla.pk,
            "places": self.r.anefis.pk,
            "corrections": self.correction.pk,
        }
        checked = set()
        for path, operations in schema["paths"].items():
            url = path.format(id=ids[path.split("/")[3]])
            described = operations["get"]["responses"]["200"]["content"]["application/json"]
            validator = OAS30Validator({**schema, **described["schema"]})
            # Lists whole, and a page of one so that the ``next`` link is filled in too.
            for query in ({},) if "{id}" in path else ({}, {"page_size": 1}):
                response = self.client.get(url, query)
                self.assertEqual(response.status_code, 200, url)
                validator.validate(response.json())
            checked.add(path)
        self.assertEqual(len(checked), 2 * len(ids))

    def test_the_documentation_page_loads_only_files_of_this_site(self):
        response = self.client.get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", page)
        self.assertNotIn("<style", page)
        self.assertNotIn("http", page)
        script = self.client.get("/api/v1/docs/", {"script": ""})
        self.assertEqual(script["Content-Type"], "application/javascript")
        self.assertIn("/api/v1/schema/", script.content.decode())
