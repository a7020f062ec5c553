use super::*;

#[test]
fn names_round_trip() {
    assert_eq!(field("webUrl", Case::Camel), Some(("web_url".into(), None)));
    assert_eq!(field("type", Case::Camel), Some(("r#type".into(), None)));
    assert_eq!(
        field("iPAddress", Case::Camel),
        Some(("i_p_address".into(), None))
    );
    assert_eq!(
        field("sharepointIds", Case::Camel),
        Some(("sharepoint_ids".into(), None))
    );
    assert_eq!(
        field("StartDateTime", Case::Camel),
        Some(("start_date_time".into(), Some("StartDateTime".into())))
    );
    assert_eq!(
        field("StartDateTime", Case::Pascal),
        Some(("start_date_time".into(), None))
    );
    assert_eq!(
        field("webUrl", Case::Pascal),
        Some(("web_url".into(), Some("webUrl".into())))
    );
    assert_eq!(fields_case(["StartDateTime", "EndDateTime"]), Case::Pascal);
    assert_eq!(fields_case(["webUrl", "Id"]), Case::Camel);
    assert_eq!(
        members_case(&["Male".into(), "Female".into()]),
        Case::Pascal
    );
    assert_eq!(
        members_case(&["notStarted".into(), "Done".into()]),
        Case::Camel
    );
    assert_eq!(
        rename_all(Case::Pascal).as_deref(),
        Some("rename_all = \"PascalCase\"")
    );
    assert_eq!(rename_all(Case::Camel), None);
}

#[test]
fn pascal_case_services_get_rename_all() {
    let md = Metadata::parse(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Trippin" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="Person">
        <Key><PropertyRef Name="UserName" /></Key>
        <Property Name="UserName" Type="Edm.String" Nullable="false" />
        <Property Name="Gender" Type="Trippin.PersonGender" />
        <Property Name="eTag" Type="Edm.String" />
      </EntityType>
      <EnumType Name="PersonGender">
        <Member Name="Male" Value="0" />
        <Member Name="Female" Value="1" />
      </EnumType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#,
    )
    .unwrap();
    let text = generate(&md, &["Trippin.Person"], &Options::default()).unwrap();
    assert!(
        text.contains("#[graph_entity(\"Trippin.Person\", rename_all = \"PascalCase\")]"),
        "{text}"
    );
    assert!(
        text.contains("#[graph_enum(\"Trippin.PersonGender\", rename_all = \"PascalCase\")]"),
        "{text}"
    );
    // Only the one property that does not follow the rest keeps a `rename`.
    assert_eq!(text.matches("rename = ").count(), 1, "{text}");
    assert!(text.contains("#[graph(rename = \"eTag\")]"), "{text}");
}

#[test]
fn generates_the_closure_of_a_type() {
    let md = Metadata::parse(include_str!("../../tests/fixture.csdl.xml")).unwrap();
    let text = generate(
        &md,
        &[
            "graph.connectedOrganization",
            "microsoft.graph.linkedResource",
        ],
        &Options {
            path_depth: 4,
            actions: true,
        },
    )
    .unwrap();
    assert!(text.contains("#[graph_entity(\"microsoft.graph.connectedOrganization\", list = \"GET /connectedOrganizations\""), "{text}");
    assert!(
        text.contains("pub identity_sources: Option<Vec<IdentitySource>>,"),
        "{text}"
    );
    assert!(
        text.contains("#[graph_complex(\"microsoft.graph.identitySource\", abstract)]"),
        "{text}"
    );
    assert!(
        text.contains(
            "#[graph_complex(\"microsoft.graph.domainIdentitySource\", base = IdentitySource)]"
        ),
        "{text}"
    );
    assert!(
        text.contains("#[graph_enum(\"microsoft.graph.connectionState\")]"),
        "{text}"
    );
    assert!(
        text.contains(
            "list = \"GET /me/todo/lists/{todoTaskListId}/tasks/{todoTaskId}/linkedResources\""
        ),
        "{text}"
    );
    assert_eq!(text.matches("pub struct DomainIdentitySource").count(), 1);
    let err = generate(
        &md,
        &["microsoft.graph.linkedResourse"],
        &Options::default(),
    )
    .unwrap_err();
    assert!(
        err.message().contains("did you mean `linkedResource`"),
        "{err}"
    );
}
