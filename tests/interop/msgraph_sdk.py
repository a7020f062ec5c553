"""Microsoft's own Graph SDK for Python (msgraph-sdk, Kiota-generated) against the emulator.

Run by `.ci/sdk-interop`: it starts the emulator binary and passes its root URL as argv[1].
Each of the example operations (and a subscription with its notification) goes through the SDK's request builders, models and error mapping.
"""
import asyncio
import json
import queue
import sys
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from kiota_abstractions.authentication import AnonymousAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.drives.item.items.item.create_link.create_link_post_request_body import (
    CreateLinkPostRequestBody,
)
from msgraph.generated.models.connected_organization import ConnectedOrganization
from msgraph.generated.models.drive import Drive
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.domain_identity_source import DomainIdentitySource
from msgraph.generated.models.external_connectors.external_connection import ExternalConnection
from msgraph.generated.models.linked_resource import LinkedResource
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.subscription import Subscription
from msgraph.generated.models.todo_task import TodoTask
from msgraph.generated.models.todo_task_list import TodoTaskList


def start_receiver():
    """A webhook receiver on 127.0.0.1: echoes the validation token, queues notifications."""
    received = queue.Queue()

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            token = parse_qs(urlparse(self.path).query).get("validationToken")
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if token:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(token[0].encode())
                return
            received.put(json.loads(body))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/hook", received


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print(f"ok  {what}")


async def main(root: str) -> None:
    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider())
    adapter.base_url = f"{root}/v1.0"
    client = GraphServiceClient(request_adapter=adapter)

    lists = client.me.todo.lists
    todo_list = await lists.post(TodoTaskList(display_name="Groceries"))
    check(todo_list.id and todo_list.display_name == "Groceries", "todoTaskList created (201, body)")
    task = await lists.by_todo_task_list_id(todo_list.id).tasks.post(TodoTask(title="Milk"))
    check(task.id is not None, "todoTask created")
    resources = lists.by_todo_task_list_id(todo_list.id).tasks.by_todo_task_id(task.id).linked_resources
    created = await resources.post(
        LinkedResource(display_name="Ticket 42", web_url="https://contoso.example/42", application_name="Contoso")
    )
    check(created.id and created.web_url == "https://contoso.example/42", "linkedResource created")
    got = await resources.by_linked_resource_id(created.id).get()
    check(got.display_name == "Ticket 42", "linkedResource read back")
    page = await resources.get()
    check(len(page.value) == 1, "linkedResources listed")
    await resources.by_linked_resource_id(created.id).patch(LinkedResource(display_name="Closed"))
    got = await resources.by_linked_resource_id(created.id).get()
    check(got.display_name == "Closed", "linkedResource updated (204)")
    await resources.by_linked_resource_id(created.id).delete()
    try:
        await resources.by_linked_resource_id(created.id).get()
        check(False, "deleted resource is gone")
    except ODataError as e:
        check(e.response_status_code == 404 and e.error.code == "itemNotFound", "404 mapped to ODataError itemNotFound")

    # Graph shares only items that exist: the drive and the item come first.
    await client.drives.post(Drive(id="b!x"))
    await client.drives.by_drive_id("b!x").items.post(DriveItem(id="01AB", name="plan.txt"))
    perm = await client.drives.by_drive_id("b!x").items.by_drive_item_id("01AB").create_link.post(
        CreateLinkPostRequestBody(type="view", scope="anonymous")
    )
    check(perm.link.type == "view" and perm.id, "createLink answered with a permission")

    conn = await client.external.connections.post(ExternalConnection(id="contosohr", name="Contoso HR"))
    check(conn.id == "contosohr", "externalConnection created with the client's id")
    try:
        await client.external.connections.post(ExternalConnection(id="x", name="bad"))
        check(False, "an invalid connection id is refused")
    except ODataError as e:
        check(e.response_status_code == 400, "invalid connection id refused with 400")

    org = await client.identity_governance.entitlement_management.connected_organizations.post(
        ConnectedOrganization(
            display_name="Fabrikam",
            identity_sources=[DomainIdentitySource(display_name="Fabrikam", domain_name="fabrikam.com")],
        )
    )
    check(org.id and isinstance(org.identity_sources[0], DomainIdentitySource), "connectedOrganization round trip keeps the derived type")
    # Change notifications: the SDK creates a subscription (the emulator validates the receiver
    # first), a new task is delivered to the receiver, a host off loopback is refused.
    hook, received = start_receiver()
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    sub = await client.subscriptions.post(
        Subscription(
            change_type="created",
            notification_url=hook,
            resource=f"me/todo/lists/{todo_list.id}/tasks",
            expiration_date_time=expires,
            client_state="interop-state",
        )
    )
    check(sub.id and sub.resource == f"me/todo/lists/{todo_list.id}/tasks", "subscription created after the handshake")
    listed = await client.subscriptions.get()
    check(any(s.id == sub.id for s in listed.value), "subscriptions listed")
    await lists.by_todo_task_list_id(todo_list.id).tasks.post(TodoTask(title="Eggs"))
    notification = (await asyncio.to_thread(received.get, True, 30))["value"][0]
    check(
        notification["changeType"] == "created"
        and notification["clientState"] == "interop-state"
        and notification["subscriptionId"] == sub.id,
        "change notification delivered to the receiver",
    )
    try:
        await client.subscriptions.post(
            Subscription(
                change_type="created",
                notification_url="https://example.com/hook",
                resource="me/messages",
                expiration_date_time=expires,
            )
        )
        check(False, "a notification URL off loopback is refused")
    except ODataError as e:
        check(e.response_status_code == 400, "a notification URL off loopback refused with 400")
    await client.subscriptions.by_subscription_id(sub.id).delete()
    listed = await client.subscriptions.get()
    check(not listed.value, "subscription deleted")
    print("msgraph-sdk interop: all checks passed")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
