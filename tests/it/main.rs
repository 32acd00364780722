//! Integration tests: the real router on a random port, spoken to as an
//! outside client would.

mod accounts;
mod alerts;
mod charts;
mod config;
mod course;
mod display;
mod docs;
mod exports;
mod fhir;
mod health;
mod layers;
mod live;
mod operations;
mod records;
mod records_service;
mod startup;
mod support;
mod trust;
mod vocabulary;
